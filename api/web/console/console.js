/* Handler console: the queue, live arrival of new cases, the case page and
 * the handling actions. All consumer text is shown with textContent. */
(function () {
  "use strict";
  var el = XB.el;

  // The handler API (api/cases.go). Kept in one place so a route change is
  // one edit.
  var API = {
    list: function (f) { return XB.api("GET", "/api/v1/cases" + XB.qs(f)); },
    get: function (id) { return XB.api("GET", "/api/v1/cases/" + encodeURIComponent(id)); },
    audit: function (id) { return XB.api("GET", "/api/v1/cases/" + encodeURIComponent(id) + "/events"); },
    messages: function (id) { return XB.api("GET", "/api/v1/cases/" + encodeURIComponent(id) + "/messages"); },
    claimNext: function () { return XB.api("POST", "/api/v1/cases/claim", {}); },
    act: function (id, action, body) { return XB.api("POST", "/api/v1/cases/" + encodeURIComponent(id) + "/" + action, body || {}); },
    events: "/api/v1/cases/events"
  };

  var OUTCOMES = (window.XB_TAXONOMY.outcomes || []).map(function (o) { return [o.code, o.name]; });
  // Handlers see the working names of states (the taxonomy's are the
  // consumer's wording, where claimed and in_progress are both 处理中).
  var STATUS_LABEL = { new: "待领取", claimed: "已领取", in_progress: "处理中", awaiting_consumer: "待消费者补充",
    extended: "已延期", transferred: "已转办", resolved: "已作出决定", closed: "已办结", merged: "已合并" };
  function statusName(s) { return STATUS_LABEL[s] || XB.name("statuses", s); }
  var OPEN = ["new", "claimed", "in_progress", "awaiting_consumer", "extended", "transferred"];
  var HANDLING = ["claimed", "in_progress", "awaiting_consumer", "extended"];

  var me = null, cases = [], known = {}, current = null, revealed = null;
  var ui = {};
  var filters = { status: "open", product: "", reason: "", flag: "", due: "", mine: false, q: "" };

  XB.boot({ title: "案件处理台", roles: ["handler", "supervisor"], start: start });

  function start(who) {
    me = who;
    var app = document.getElementById("app");
    ui.live = el("span", { class: "live off", role: "status", text: "实时更新连接中…" });
    ui.count = el("span", { class: "muted" });
    ui.tbody = el("tbody");
    ui.detail = el("section", { class: "card", "aria-label": "案件详情", tabindex: "-1" }, [el("p", { class: "empty", text: "在左侧选择一件案件，或点“领取下一件”。" })]);
    var list = el("section", { class: "card", "aria-labelledby": "queue-h" }, [
      el("div", { class: "row" }, [el("h1", { id: "queue-h", class: "grow", text: "案件队列" }), ui.live]),
      filterBar(),
      el("div", { class: "row" }, [
        el("button", { type: "button", class: "primary", id: "claim-next", text: "领取下一件", onclick: claimNext }),
        el("button", { type: "button", text: "刷新", onclick: load }), ui.count
      ]),
      el("div", { class: "scroll section" }, [el("table", { id: "queue" }, [
        el("caption", { class: "sr", text: "案件列表，按优先级和期限排序" }),
        el("thead", {}, [el("tr", {}, ["编号", "类别 / 原因", "机构", "标记", "状态", "期限"].map(function (h) { return el("th", { scope: "col", text: h }); }))]),
        ui.tbody
      ])])
    ]);
    app.appendChild(el("div", { class: "split" }, [list, ui.detail]));
    if (me.role === "supervisor") document.getElementById("claim-next").disabled = true;
    load();
    XB.stream(API.events, onEvent, function (s) {
      ui.live.className = "live " + (s === "live" ? "on" : "off");
      ui.live.textContent = s === "live" ? "实时更新中" : "实时更新已断开，正在重连…";
      if (s === "live") load();
    });
    window.addEventListener("hashchange", openFromHash);
    openFromHash();
  }

  function filterBar() {
    function sel(id, label, key, opts) {
      var s = el("select", { id: id, onchange: function () { filters[key] = s.value; load(); } }, opts);
      return el("div", {}, [el("label", { for: id, text: label }), s]);
    }
    var statuses = [el("option", { value: "open", text: "全部未结", selected: true }), el("option", { value: "", text: "全部（含已结）" })]
      .concat((window.XB_TAXONOMY.statuses || []).map(function (c) { return el("option", { value: c.code, text: STATUS_LABEL[c.code] || c.name }); }));
    var q = el("input", { id: "f-q", type: "search", placeholder: "TS…", autocomplete: "off" });
    q.addEventListener("change", function () { filters.q = q.value.trim(); load(); });
    var mine = el("input", { id: "f-mine", type: "checkbox", onchange: function () { filters.mine = mine.checked; load(); } });
    return el("div", { class: "filters", role: "group", "aria-label": "筛选" }, [
      sel("f-status", "状态", "status", statuses),
      sel("f-product", "业务类别", "product", XB.options("products", "", "全部")),
      sel("f-reason", "投诉原因", "reason", XB.options("reasons", "", "全部")),
      sel("f-flag", "标记", "flag", XB.options("flags", "", "全部")),
      sel("f-due", "期限", "due", [el("option", { value: "", text: "全部" }), el("option", { value: "due_soon", text: "即将到期" }), el("option", { value: "overdue", text: "已超期" })]),
      el("div", {}, [el("label", { for: "f-q", text: "编号" }), q]),
      el("div", { class: "row" }, [mine, el("label", { for: "f-mine", text: "只看我领取的" })])
    ]);
  }

  function query() {
    return {
      status: filters.status, product: filters.product, reason: filters.reason, flag: filters.flag,
      overdue: filters.due === "overdue" ? "true" : "", due_soon: filters.due === "due_soon" ? "true" : "",
      assignee: filters.mine ? "me" : "", q: filters.q, limit: 200
    };
  }

  var loading = null;
  function load() {
    if (loading) { loading.again = true; return loading.p; }
    loading = { again: false };
    loading.p = API.list(query()).then(function (res) {
      var first = !cases.length && !Object.keys(known).length;
      cases = (res && (res.cases || res.items)) || [];
      renderList(first);
    }, XB.fail).then(function () {
      var again = loading.again;
      loading = null;
      if (again) load();
    });
    return loading.p;
  }

  function renderList(first) {
    var fresh = [];
    ui.tbody.replaceChildren.apply(ui.tbody, cases.map(function (c) {
      var isNew = !first && !known[c.id];
      if (isNew) fresh.push(c);
      known[c.id] = true;
      var open = el("a", { href: "#/case/" + c.id, text: c.tracking_no || ("#" + c.id) });
      return el("tr", { class: (current && current.id === c.id ? "sel " : "") + (isNew ? "fresh" : ""), "data-id": String(c.id), "data-tracking": c.tracking_no }, [
        el("td", {}, [open, c.needs_review ? el("span", { class: "chip", title: "分类置信度低，需人工复核", text: "待复核" }) : null]),
        el("td", {}, [XB.name("products", c.product), el("br"), el("span", { class: "muted", text: XB.name("reasons", c.reason) })]),
        el("td", {}, [c.institution || "—", c.summary ? el("div", { class: "muted snippet", text: c.summary }) : null]),
        el("td", {}, flagChips(c.flags)),
        el("td", { text: statusName(c.status) + (c.assignee ? " · " + shortActor(c.assignee) : "") }),
        el("td", {}, [XB.deadlineBadge(c.deadline_at, OPEN.indexOf(c.status) >= 0)])
      ]);
    }));
    if (!cases.length) ui.tbody.appendChild(el("tr", {}, [el("td", { colspan: "6", class: "empty", text: "没有符合条件的案件。" })]));
    ui.count.textContent = "共 " + cases.length + " 件";
    if (fresh.length) XB.announce("新案件到达：" + fresh.map(function (c) { return c.tracking_no; }).join("、"));
  }

  function flagChips(flags) {
    return (flags || []).map(function (f) { return el("span", { class: "chip " + f, text: XB.name("flags", f) }); });
  }

  // onEvent reacts to the queue stream: any case event refreshes the list
  // (new rows are highlighted and announced) and the open case if it changed.
  function onEvent(ev) {
    var d = ev.json || {};
    var c = d.new_case || d.change || d.case || d;
    load();
    if (current && (d.kind === "resync" || c.id === current.id || (c.tracking_no && c.tracking_no === current.tracking_no))) show(current.id, true);
  }

  function openFromHash() {
    var m = /^#\/case\/(\d+)$/.exec(location.hash);
    if (m) show(Number(m[1]));
  }

  function claimNext() {
    API.claimNext().then(function (res) {
      var c = res && (res.case || res);
      if (!c || !c.id) { XB.toast("队列里暂时没有可领取的案件。"); return; }
      XB.toast("已领取 " + c.tracking_no, "ok");
      location.hash = "#/case/" + c.id;
      load();
    }, function (e) { if (e.status === 404) XB.toast("队列里暂时没有可领取的案件。"); else XB.fail(e); });
  }

  function show(id, keepReveal) {
    if (!keepReveal || !current || current.id !== id) revealed = null;
    return Promise.all([API.get(id), API.audit(id).catch(function () { return null; }), API.messages(id).catch(function () { return null; })]).then(function (r) {
      var res = r[0] || {};
      current = res.case || res;
      var audit = (r[1] && (r[1].events || r[1].audit)) || res.events || res.audit || [];
      var msgs = (r[2] && r[2].messages) || res.messages || [];
      renderCase(current, audit, msgs);
      Array.prototype.forEach.call(ui.tbody.rows, function (tr) { tr.classList.toggle("sel", tr.getAttribute("data-id") === String(id)); });
    }, function (e) {
      ui.detail.replaceChildren(el("p", { class: "error", text: e.status === 404 ? "没有找到这件案件（可能不在您的机构范围内）。" : e.message }));
    });
  }

  function renderCase(c, audit, msgs) {
    var shown = revealed || c;
    // Supervisors read and may reveal; only handlers (and admin) act.
    var canAct = me.role !== "supervisor";
    var open = canAct && OPEN.indexOf(c.status) >= 0, handling = canAct && HANDLING.indexOf(c.status) >= 0;
    var claimable = canAct && (c.status === "new" || c.status === "transferred");
    var head = el("div", { class: "row" }, [
      el("h2", { class: "grow", id: "case-h", text: "案件 " + (c.tracking_no || c.id) }),
      el("span", { class: "badge", text: statusName(c.status) }),
      XB.deadlineBadge(c.deadline_at, open)
    ]);
    var actions = el("div", { class: "actions", role: "group", "aria-label": "处理操作" }, [
      btn("领取", "claim", claimable, function () { act("claim", {}, "已领取"); }),
      btn("回复消费者", "reply", handling, function () {
        XB.modal("回复消费者", [{ name: "message", label: "回复内容（消费者会在对话窗口和进度查询中看到）", multiline: true, required: true }], "发送回复",
          function (v) { return act("reply", { message: v.message }, "回复已发送"); });
      }),
      btn("请补充信息", "ask", handling, function () {
        XB.modal("请消费者补充信息", [{ name: "message", label: "需要补充什么？", multiline: true, required: true }], "发送",
          function (v) { return act("ask", { question: v.message, message: v.message }, "已请消费者补充信息"); });
      }),
      btn("转办", "transfer", open, function () {
        XB.modal("转办", [
          { note: "转给另一家机构或另一个处理组。消费者会收到通知，处理时限继续计算。" },
          { name: "institution", label: "转至机构（可留空）", value: "" },
          { name: "team", label: "转至处理组（可留空）", value: "" },
          { name: "note", label: "转办说明", multiline: true, required: true }
        ], "转办", function (v) {
          if (!v.institution.trim() && !v.team.trim()) return Promise.reject(new Error("请填写要转至的机构或处理组。"));
          return act("transfer", { institution: v.institution.trim(), team: v.team.trim(), note: v.note }, "已转办");
        });
      }),
      btn("延长期限", "extend", handling, function () {
        XB.modal("延长处理期限", [
          { note: "情况复杂的可延长处理期限，须经批准并告知消费者理由。" },
          { name: "complex", label: "按复杂案件处理（适用较长的决定期限）", type: "checkbox", value: c.complex },
          { name: "days", label: "另外延长的天数", type: "number", min: "0", max: "30", value: "0" },
          { name: "approved_by", label: "批准人", required: true },
          { name: "reason", label: "延长理由（会告知消费者）", multiline: true, required: true }
        ], "延长", function (v) {
          return act("extend", { complex: v.complex, days: Number(v.days) || 0, approved_by: v.approved_by, reason: v.reason }, "已延长期限");
        });
      }),
      btn("作出处理决定", "resolve", handling, function () {
        XB.modal("作出处理决定", [
          { name: "outcome", label: "处理结果", required: true, options: OUTCOMES.map(function (o) { return el("option", { value: o[0], text: o[1] }); }) },
          { name: "message", label: "告知消费者的处理意见", multiline: true, required: true }
        ], "提交决定", function (v) { return act("resolve", { outcome: v.outcome, message: v.message }, "已作出处理决定"); });
      }),
      btn("重新分类", "reclassify", open, function () { reclassify(c); }),
      btn(c.paused_at ? "恢复计时" : "暂停计时", c.paused_at ? "resume" : "pause", handling, function () {
        if (c.paused_at) { act("resume", {}, "已恢复计时").catch(XB.fail); return; }
        XB.modal("暂停计时", [{ note: "例如需要外部鉴定、评估时，期间不计入处理时限。" }, { name: "reason", label: "暂停原因", required: true }], "暂停",
          function (v) { return act("pause", { reason: v.reason }, "已暂停计时"); });
      }),
      btn("重新计时", "restart-clock", handling, function () {
        XB.modal("消费者提出新的事实和理由，重新起算处理时限", [{ name: "reason", label: "新的事实和理由", multiline: true, required: true }], "重新计时",
          function (v) { return act("restart-clock", { reason: v.reason }, "已重新起算时限"); });
      }),
      btn("合并", "merge", open, function () {
        XB.modal("作为重复投诉合并", [{ name: "into", label: "合并到哪件案件（编号）", required: true }], "合并",
          function (v) { return act("merge", { into: v.into.trim() }, "已合并"); });
      }),
      btn("退回队列", "release", canAct && (c.status === "claimed" || c.status === "in_progress"), function () {
        XB.modal("退回队列", [{ name: "note", label: "原因（可选）" }], "退回", function (v) { return act("release", { note: v.note }, "已退回队列"); });
      }),
      btn("备注", "note", canAct, function () {
        XB.modal("添加内部备注（消费者看不到）", [{ name: "note", label: "备注", multiline: true, required: true }], "保存",
          function (v) { return act("note", { note: v.note }, "已添加备注"); });
      }),
      btn(revealed ? "已显示完整信息" : "查看完整信息", "reveal", !revealed, function () {
        XB.modal("查看完整个人信息", [
          { note: "完整的姓名、电话和原文仅用于处理本投诉。此次查看会记入审计日志（谁、何时、为何）。" },
          { name: "reason", label: "查看原因", required: true, value: "联系消费者核实情况" }
        ], "确认查看", function (v) {
          return API.act(c.id, "reveal", { purpose: v.reason, reason: v.reason }).then(function (res) {
            revealed = (res && (res.case || res)) || null;
            return show(c.id, true);
          });
        });
      })
    ]);
    var facts = el("dl", { class: "kv" });
    kv(facts, "投诉人", shown.name);
    kv(facts, "联系电话", shown.phone);
    kv(facts, "被投诉机构", c.institution + (c.institution_raw && c.institution_raw !== c.institution ? "（消费者写作：" + c.institution_raw + "）" : ""));
    kv(facts, "发生时间", XB.date(c.occurred_at));
    kv(facts, "涉及金额", c.amount_yuan == null ? "" : XB.yuan(c.amount_yuan));
    kv(facts, "诉求", (c.demands || []).map(function (d) { return XB.name("demands", d); }).join("、"));
    kv(facts, "诉求原话", shown.request);
    kv(facts, "事实经过", shown.description);
    kv(facts, "依据", shown.basis);
    kv(facts, "渠道", c.channel === "chat" ? "在线对话" : c.channel);
    kv(facts, "受理时间", XB.datetime(c.created_at));
    kv(facts, "处理人", shortActor(c.assignee));
    kv(facts, "处理组", c.team);
    if (c.extension_reason) kv(facts, "延期理由", c.extension_reason);
    if (c.outcome) kv(facts, "处理结果", (OUTCOMES.filter(function (o) { return o[0] === c.outcome; })[0] || [0, c.outcome])[1]);

    var cls = el("dl", { class: "kv" });
    kv(cls, "业务类别", XB.name("products", c.product) + "（置信度 " + XB.pct(c.product_confidence) + "）");
    kv(cls, "投诉原因", XB.name("reasons", c.reason) + "（置信度 " + XB.pct(c.reason_confidence) + "）");
    cls.append(el("dt", { text: "标记" }), el("dd", {}, (c.flags || []).length ? flagChips(c.flags) : ["无"]));
    kv(cls, "复核", c.needs_review ? "置信度偏低，需人工复核" : "不需要");
    kv(cls, "分类引擎", c.engine === "llm" ? "大模型" : c.engine === "offline" ? "离线模型" : c.engine);

    var lines = (shown.transcript || c.transcript || []);
    var transcript = el("ol", { class: "transcript", "aria-label": "对话记录" }, lines.map(function (l) {
      var who = { consumer: "消费者", bot: "小助手", handler: "处理人员" }[l.role] || l.role;
      return el("li", { class: l.role }, [el("span", { class: "who", text: who }), el("span", { class: "muted", text: XB.datetime(l.at) + " " }), el("br"), l.text || ""]);
    }));
    if (!lines.length) transcript.appendChild(el("li", { class: "muted", text: "没有对话记录。" }));

    var dirName = { to_consumer: "发给消费者", from_consumer: "消费者", internal: "内部备注" };
    var msgList = el("ol", { class: "transcript", "aria-label": "往来消息" }, msgs.map(function (m) {
      return el("li", { class: m.direction === "from_consumer" ? "consumer" : "handler" }, [
        el("span", { class: "who", text: dirName[m.direction] || m.direction }),
        el("span", { class: "muted", text: XB.datetime(m.created_at) + (m.author ? " · " + shortActor(m.author) : "") + " " }), el("br"), m.body || ""]);
    }));
    if (!msgs.length) msgList.appendChild(el("li", { class: "muted", text: "还没有往来消息。" }));

    var auditTable = el("table", {}, [
      el("thead", {}, [el("tr", {}, ["时间", "操作人", "操作", "状态变化", "说明"].map(function (h) { return el("th", { scope: "col", text: h }); }))]),
      el("tbody", {}, audit.map(function (a) {
        return el("tr", {}, [
          el("td", { text: XB.datetime(a.at || a.created_at) }), el("td", { text: shortActor(a.actor) }),
          el("td", { text: actionName(a.action) }),
          el("td", { text: a.from_state !== a.to_state ? (a.from_state ? statusName(a.from_state) : "") + " → " + statusName(a.to_state) : "" }),
          el("td", { text: detailText(a.detail) })
        ]);
      }))
    ]);

    ui.detail.replaceChildren(head, actions);
    if (revealed) ui.detail.appendChild(el("p", { class: "badge soon", text: "正在显示完整个人信息（已记录审计）" }));
    ui.detail.append(
      el("h3", { text: "投诉事实" }), facts,
      el("h3", { text: "分类" }), cls,
      el("h3", { text: "对话记录" }), transcript,
      el("h3", { text: "往来消息" }), msgList,
      el("h3", { text: "审计记录" }), el("div", { class: "scroll" }, [auditTable]));
    ui.detail.setAttribute("aria-labelledby", "case-h");
  }

  // shortActor turns "handler:王芳#12" into "王芳".
  function shortActor(a) {
    var m = /^[a-z]+:(.*?)(#\d+)?$/.exec(a || "");
    return m ? m[1] : (a || "");
  }

  function btn(text, action, enabled, onclick) {
    return el("button", { type: "button", "data-action": action, disabled: !enabled, text: text, onclick: onclick });
  }

  function kv(dl, k, v) {
    if (v == null || v === "") return;
    dl.append(el("dt", { text: k }), el("dd", { text: String(v) }));
  }

  var ACTIONS = {
    file: "受理", claim: "领取", release: "退回队列", start: "开始处理", reply: "回复", ask: "请补充信息",
    consumer_reply: "消费者补充", extend: "延长期限", transfer: "转办", resolve: "作出处理决定", close: "办结",
    merge: "合并", reclassify: "重新分类", pause: "暂停计时", resume: "恢复计时", restart_clock: "重新计时",
    note: "备注", reveal: "查看完整信息", rate: "满意度评价", due_soon: "即将到期", overdue: "已超期"
  };
  function actionName(a) { a = String(a || "").replace(/^case\./, ""); return ACTIONS[a] || a; }
  function detailText(d) {
    if (!d || typeof d !== "object") return d ? String(d) : "";
    return Object.keys(d).map(function (k) {
      var v = d[k];
      return k + "：" + (typeof v === "object" ? JSON.stringify(v) : String(v));
    }).join("；");
  }

  function act(action, body, okText) {
    return API.act(current.id, action, body).then(function () {
      XB.toast(okText, "ok");
      XB.announce(okText);
      load();
      return show(current.id, true);
    });
  }

  function reclassify(c) {
    var flags = (window.XB_TAXONOMY.flags || []).map(function (f) {
      return { name: "flag_" + f.code, label: f.name, type: "checkbox", value: (c.flags || []).indexOf(f.code) >= 0 };
    });
    XB.modal("重新分类（会作为纠正样本用于改进模型）", [
      { name: "product", label: "业务类别", options: XB.options("products", c.product), required: true },
      { name: "reason", label: "投诉原因", options: XB.options("reasons", c.reason), required: true }
    ].concat(flags).concat([{ name: "note", label: "说明（可选）" }]), "保存分类", function (v) {
      var fl = (window.XB_TAXONOMY.flags || []).filter(function (f) { return v["flag_" + f.code]; }).map(function (f) { return f.code; });
      return act("reclassify", { product: v.product, reason: v.reason, flags: fl, note: v.note }, "分类已更新");
    });
  }
})();
