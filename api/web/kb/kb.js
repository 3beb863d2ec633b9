/* Knowledge console: documents with a Markdown editor and preview, publish
 * and archive, imports with progress, hit testing with the score breakdown,
 * FAQ entries, synonyms and the unanswered / 👎 list. Staff text is shown
 * with textContent only; the Markdown preview builds DOM nodes itself. */
(function () {
  "use strict";
  var el = XB.el;
  var B = "/api/v1/kb";

  // The staff API (api/kb.go), in one place.
  var API = {
    docs: function (f) { return XB.api("GET", B + "/documents" + XB.qs(f || {})); },
    doc: function (id) { return XB.api("GET", B + "/documents/" + id); },
    create: function (d) { return XB.api("POST", B + "/documents", d); },
    update: function (id, d) { return XB.api("PUT", B + "/documents/" + id, d); },
    publish: function (id) { return XB.api("POST", B + "/documents/" + id + "/publish", {}); },
    archive: function (id) { return XB.api("POST", B + "/documents/" + id + "/archive", {}); },
    importURL: B + "/import",
    remove: function (id) { return XB.api("DELETE", B + "/documents/" + id); },
    versions: function (id) { return XB.api("GET", B + "/documents/" + id + "/versions"); },
    reindex: function () { return XB.api("POST", B + "/jobs", { kind: "reindex" }); },
    reembed: function () { return XB.api("POST", B + "/jobs", { kind: "reembed" }); },
    job: function (id) { return XB.api("GET", B + "/jobs/" + id); },
    test: function (q, k, o) { return XB.api("POST", B + "/hit-test", Object.assign({ q: q, k: Number(k) || 5 }, o || {})); },
    faqs: function (q) { return XB.api("GET", B + "/faqs" + XB.qs({ q: q || "" })); },
    faqCreate: function (f) { return XB.api("POST", B + "/faqs", f); },
    faqUpdate: function (id, f) { return XB.api("PUT", B + "/faqs/" + id, f); },
    faqDelete: function (id) { return XB.api("DELETE", B + "/faqs/" + id); },
    synonyms: function () { return XB.api("GET", B + "/synonyms"); },
    synCreate: function (s) { return XB.api("POST", B + "/synonyms", s); },
    synUpdate: function (id, s) { return XB.api("PUT", B + "/synonyms/" + id, s); },
    synDelete: function (id) { return XB.api("DELETE", B + "/synonyms/" + id); },
    unanswered: function () { return XB.api("GET", B + "/unanswered"); },
    feedback: function () { return XB.api("GET", B + "/feedback" + XB.qs({ helpful: "false" })); },
    dismiss: function (id) { return XB.api("POST", B + "/unanswered/" + id + "/dismiss", {}); },
    dismissFeedback: function (id) { return XB.api("POST", B + "/feedback/" + id + "/dismiss", {}); },
    promote: function (faqID, body) { return XB.api("POST", B + "/faqs/" + faqID + "/similar", body); }
  };

  var KINDS = [["regulation", "法规"], ["literacy", "金融知识"], ["faq", "常见问题"], ["guide", "办事指南"]];
  var STATUS = { draft: "草稿", published: "已发布", archived: "已归档" };
  var TABS = [["docs", "文档"], ["faqs", "FAQ"], ["synonyms", "同义词"], ["test", "命中测试"], ["gaps", "未答与差评"], ["import", "导入与索引"]];

  var panel, tabs = {};

  XB.boot({ title: "知识库管理", roles: ["staff"], start: start });

  function start() {
    var app = document.getElementById("app");
    var bar = el("div", { class: "tabs", role: "tablist", "aria-label": "知识库功能" });
    panel = el("section", { class: "card", role: "tabpanel", tabindex: "-1" });
    TABS.forEach(function (t, i) {
      tabs[t[0]] = el("button", { type: "button", role: "tab", id: "tab-" + t[0], "aria-controls": "kb-panel", "aria-selected": "false", tabindex: "-1", text: t[1],
        onclick: function () { location.hash = "#/" + t[0]; },
        onkeydown: function (e) {
          var d = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
          if (!d) return;
          var next = TABS[(i + d + TABS.length) % TABS.length][0];
          location.hash = "#/" + next; tabs[next].focus();
        } });
      bar.appendChild(tabs[t[0]]);
    });
    panel.id = "kb-panel";
    app.append(el("h1", { text: "知识库" }), bar, panel);
    window.addEventListener("hashchange", route);
    route();
  }

  function route() {
    var m = /^#\/(\w+)(?:\/(\w+))?/.exec(location.hash) || [];
    var tab = tabs[m[1]] ? m[1] : "docs";
    Object.keys(tabs).forEach(function (k) {
      tabs[k].setAttribute("aria-selected", String(k === tab));
      tabs[k].tabIndex = k === tab ? 0 : -1;
    });
    panel.setAttribute("aria-labelledby", "tab-" + tab);
    panel.replaceChildren(el("p", { class: "muted", text: "加载中…" }));
    ({ docs: m[2] ? editor : docList, faqs: faqList, synonyms: synList, test: hitTest, gaps: gaps, import: importer })[tab](m[2]);
  }

  // ---- documents ----
  function docList() {
    var f = { status: "", kind: "", q: "" };
    var tbody = el("tbody");
    function load() {
      API.docs(f).then(function (res) {
        var docs = (res && (res.documents || res.items)) || [];
        tbody.replaceChildren.apply(tbody, docs.map(function (d) {
          return el("tr", {}, [
            el("td", {}, [el("a", { href: "#/docs/" + d.id, text: d.title })]),
            el("td", { text: kindName(d.kind) }),
            el("td", {}, [el("span", { class: "badge " + (d.status === "published" ? "ok" : d.status === "archived" ? "muted" : "soon"), text: STATUS[d.status] || d.status })]),
            el("td", { text: "v" + (d.version || 1) }),
            el("td", { text: XB.datetime(d.updated_at) })
          ]);
        }));
        if (!docs.length) tbody.appendChild(el("tr", {}, [el("td", { colspan: "5", class: "empty", text: "没有文档。" })]));
      }, XB.fail);
    }
    var status = el("select", { id: "d-status", onchange: function () { f.status = status.value; load(); } },
      [el("option", { value: "", text: "全部" })].concat(Object.keys(STATUS).map(function (k) { return el("option", { value: k, text: STATUS[k] }); })));
    var kind = el("select", { id: "d-kind", onchange: function () { f.kind = kind.value; load(); } },
      [el("option", { value: "", text: "全部" })].concat(KINDS.map(function (k) { return el("option", { value: k[0], text: k[1] }); })));
    var q = el("input", { id: "d-q", type: "search", onchange: function () { f.q = q.value.trim(); load(); } });
    panel.replaceChildren(
      el("div", { class: "filters" }, [
        el("div", {}, [el("label", { for: "d-status", text: "状态" }), status]),
        el("div", {}, [el("label", { for: "d-kind", text: "类型" }), kind]),
        el("div", {}, [el("label", { for: "d-q", text: "标题" }), q]),
        el("button", { type: "button", class: "primary", text: "新建文档", onclick: function () { location.hash = "#/docs/new"; } })
      ]),
      el("div", { class: "scroll" }, [el("table", {}, [
        el("thead", {}, [el("tr", {}, ["标题", "类型", "状态", "版本", "更新时间"].map(function (h) { return el("th", { scope: "col", text: h }); }))]), tbody])])
    );
    load();
  }

  function kindName(k) { return (KINDS.filter(function (x) { return x[0] === k; })[0] || [0, k])[1]; }

  function editor(id) {
    var isNew = id === "new";
    var p = isNew ? Promise.resolve({ kind: "literacy", status: "draft", body: "# 标题\n\n正文……\n" }) : API.doc(id).then(function (r) { var d = (r && (r.document || r)) || {}; d._chunks = (r && r.chunks) || []; return d; });
    p.then(function (d) {
      var fields = {};
      function field(key, label, input) {
        input.id = "e-" + key; fields[key] = input;
        if (d[key] != null && input.tagName !== "SELECT") input.value = d[key];
        return el("div", {}, [el("label", { for: input.id, text: label }), input]);
      }
      var kind = el("select", {}, KINDS.map(function (k) { return el("option", { value: k[0], selected: k[0] === d.kind, text: k[1] }); }));
      var body = el("textarea", { id: "e-source", spellcheck: "false", "aria-describedby": "e-help" });
      body.value = d.body || "";
      var questions = el("textarea", { id: "e-questions", rows: "4" });
      questions.value = (d.questions || []).join("\n");
      var preview = el("div", { class: "preview", id: "e-preview", "aria-live": "off", "aria-label": "预览" });
      var render = debounce(function () { renderMarkdown(body.value, preview); }, 150);
      body.addEventListener("input", render);
      renderMarkdown(body.value, preview);
      var err = el("p", { class: "error", role: "alert" });
      function values() {
        var v = { kind: kind.value, body: body.value, questions: lines(questions.value) };
        ["title", "slug", "source_title", "issuer", "doc_number", "published", "effective"].forEach(function (k) { if (fields[k]) v[k] = fields[k].value.trim(); });
        return v;
      }
      function save() {
        err.textContent = "";
        return (isNew ? API.create(values()) : API.update(d.id, values())).then(function (r) {
          var saved = (r && (r.document || r)) || {};
          XB.toast(isNew ? "已创建草稿" : (saved.version && saved.version !== d.version ? "已保存为 v" + saved.version : "已保存"), "ok");
          if (isNew && saved.id) location.hash = "#/docs/" + saved.id; else route();
        }, function (e) { err.textContent = e.message; });
      }
      function lifecycle(fn, ok) {
        return function () { fn(d.id).then(function () { XB.toast(ok, "ok"); route(); }, XB.fail); };
      }
      panel.replaceChildren(
        el("div", { class: "row" }, [
          el("a", { href: "#/docs", text: "← 文档列表" }),
          el("h2", { class: "grow", text: isNew ? "新建文档" : d.title }),
          isNew ? null : el("span", { class: "badge", text: (STATUS[d.status] || d.status) + " · v" + (d.version || 1) })
        ]),
        el("div", { class: "grid2" }, [
          field("title", "标题", el("input", { required: true })),
          el("div", {}, [el("label", { for: "e-kind", text: "类型" }), (kind.id = "e-kind", kind)]),
          isNew ? field("slug", "标识（英文、数字、连字符；可留空由标题生成）", el("input", { pattern: "[a-z0-9-]*" })) : null,
          field("source_title", "法规名称（法规类必填，引用时显示为《…》）", el("input")),
          field("issuer", "发布机关", el("input")),
          field("doc_number", "文号", el("input")),
          field("published", "发布日期（YYYY-MM-DD）", el("input", { pattern: "\\d{4}-\\d{2}-\\d{2}", placeholder: "2020-01-14" })),
          field("effective", "施行日期（YYYY-MM-DD）", el("input", { pattern: "\\d{4}-\\d{2}-\\d{2}", placeholder: "2020-03-01" }))
        ]),
        el("p", { id: "e-help", class: "muted", text: "正文用 Markdown：# 标题、## 小标题、- 列表、**加粗**。法规按“第X条”分段，系统会按章、节、条切分并生成引用。" }),
        el("div", { class: "grid2 editor" }, [
          el("div", {}, [el("label", { for: "e-source", text: "正文（Markdown）" }), body]),
          el("div", {}, [el("p", { class: "muted", text: "预览" }), preview])
        ]),
        el("label", { for: "e-questions", text: "相似问（每行一个：消费者可能怎么问这篇文档回答的问题）" }), questions,
        err,
        el("div", { class: "actions" }, [
          el("button", { type: "button", class: "primary", text: isNew ? "创建草稿" : "保存", onclick: save }),
          isNew || d.status === "published" ? null : el("button", { type: "button", text: "发布", onclick: lifecycle(API.publish, "已发布") }),
          isNew || d.status === "archived" ? null : el("button", { type: "button", class: "danger", text: "归档", onclick: lifecycle(API.archive, "已归档") }),
          isNew ? null : el("button", { type: "button", class: "danger", text: "删除", onclick: function () {
            if (!confirm("删除“" + d.title + "”及其所有版本？此操作不能撤销。")) return;
            API.remove(d.id).then(function () { XB.toast("已删除", "ok"); location.hash = "#/docs"; }, XB.fail);
          } })
        ]),
        isNew ? null : chunkList(d._chunks),
        isNew ? null : versionList(d.id)
      );
    }, function (e) { panel.replaceChildren(el("p", { class: "error", text: e.message })); });
  }

  // chunkList shows how the current version was cut into passages, with the
  // citation each passage carries into answers.
  function chunkList(chunks) {
    if (!chunks || !chunks.length) return el("p", { class: "muted", text: "还没有索引段落。" });
    return el("details", { class: "section" }, [
      el("summary", { text: "切分结果（" + chunks.length + " 个段落）" }),
      el("ol", {}, chunks.map(function (c) {
        return el("li", { class: "hit" }, [el("strong", { text: c.citation || c.heading_path || "" }), el("p", { class: "text", text: c.text || "" })]);
      }))
    ]);
  }

  function versionList(id) {
    var box = el("details", { class: "section" }, [el("summary", { text: "版本历史" })]);
    box.addEventListener("toggle", function once() {
      box.removeEventListener("toggle", once);
      API.versions(id).then(function (r) {
        var vs = (r && r.versions) || [];
        box.appendChild(el("ul", {}, vs.map(function (v) {
          return el("li", { text: "v" + v.version + " · " + XB.datetime(v.created_at) + (v.author ? " · " + v.author : "") + (v.file_name ? " · " + v.file_name : "") });
        })));
      }, XB.fail);
    });
    return box;
  }

  // renderMarkdown draws a small, safe subset of Markdown by building nodes:
  // headings, paragraphs, lists, quotes, **bold** and `code`. Nothing is
  // ever parsed as HTML, so <script> in a document is shown as text.
  function renderMarkdown(src, out) {
    out.replaceChildren();
    var list = null, para = [];
    function flush() {
      if (para.length) { out.appendChild(inline(el("p"), para.join("\n"))); para = []; }
    }
    src.replace(/\r\n?/g, "\n").split("\n").forEach(function (line) {
      var m;
      if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) { flush(); list = null; out.appendChild(inline(el("h" + Math.min(6, m[1].length + 1)), m[2])); return; }
      if ((m = /^\s*([-*+]|\d+[.、])\s+(.*)$/.exec(line))) {
        flush();
        var ordered = /\d/.test(m[1]);
        if (!list || list.ordered !== ordered) { list = el(ordered ? "ol" : "ul"); list.ordered = ordered; out.appendChild(list); }
        list.appendChild(inline(el("li"), m[2]));
        return;
      }
      if ((m = /^>\s?(.*)$/.exec(line))) { flush(); list = null; out.appendChild(inline(el("blockquote"), m[1])); return; }
      if (!line.trim()) { flush(); list = null; return; }
      list = null; para.push(line);
    });
    flush();
  }
  function inline(node, text) {
    var re = /(\*\*([^*]+)\*\*|`([^`]+)`)/g, last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) node.appendChild(document.createTextNode(text.slice(last, m.index)));
      node.appendChild(m[2] != null ? el("strong", { text: m[2] }) : el("code", { text: m[3] }));
      last = re.lastIndex;
    }
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
    return node;
  }

  // ---- FAQ ----
  function faqList() {
    var box = el("div");
    var q = el("input", { id: "f-q", type: "search", placeholder: "搜索标准问或相似问" });
    function load() {
      API.faqs(q.value.trim()).then(function (res) {
        var faqs = (res && (res.faqs || res.items)) || [];
        box.replaceChildren.apply(box, faqs.map(faqCard));
        if (!faqs.length) box.appendChild(el("p", { class: "empty", text: "没有 FAQ。" }));
      }, XB.fail);
    }
    q.addEventListener("change", load);
    panel.replaceChildren(
      el("div", { class: "filters" }, [el("div", {}, [el("label", { for: "f-q", text: "搜索" }), q]),
        el("button", { type: "button", class: "primary", text: "新增 FAQ", onclick: function () { editFaq(null, load); } })]),
      box);
    load();
    function faqCard(f) {
      var sims = f.similar || [];
      return el("article", { class: "hit" }, [
        el("div", { class: "row" }, [el("strong", { class: "grow", text: f.question }),
          el("button", { type: "button", text: "编辑", onclick: function () { editFaq(f, load); } }),
          el("button", { type: "button", class: "danger", text: "删除", onclick: function () {
            if (confirm("删除这条 FAQ？")) API.faqDelete(f.id).then(function () { XB.toast("已删除", "ok"); load(); }, XB.fail);
          } })]),
        el("div", {}, sims.map(function (s) { return el("span", { class: "chip", text: s }); })),
        f.answer ? el("p", { class: "text", text: f.answer }) : null,
        f.document_title && !f.owns_document ? el("p", { class: "muted", text: "答案来自：" + f.document_title + ((f.citations || []).length ? "（" + f.citations.join("、") + "）" : "") }) : null
      ]);
    }
  }

  function editFaq(f, done) {
    f = f || {};
    XB.modal(f.id ? "编辑 FAQ" : "新增 FAQ", [
      { name: "question", label: "标准问", required: true, value: f.question },
      { name: "similar", label: "相似问（每行一个）", multiline: true, value: (f.similar || []).join("\n") },
      { name: "answer", label: "答案", multiline: true, required: !f.id, value: f.answer }
    ], "保存", function (v) {
      var body = { question: v.question.trim(), similar: lines(v.similar), answer: v.answer.trim() };
      return (f.id ? API.faqUpdate(f.id, body) : API.faqCreate(body)).then(function () { XB.toast("已保存", "ok"); done(); });
    });
  }

  function lines(s) { return String(s || "").split(/\n|\r/).map(function (x) { return x.trim(); }).filter(Boolean); }

  // ---- synonyms ----
  function synList() {
    var tbody = el("tbody");
    function load() {
      API.synonyms().then(function (res) {
        var groups = (res && (res.synonyms || res.groups || res.items)) || [];
        tbody.replaceChildren.apply(tbody, groups.map(function (g) {
          return el("tr", {}, [
            el("td", { text: (g.terms || []).join(" / ") }),
            el("td", {}, [
              el("button", { type: "button", text: "编辑", onclick: function () { editSyn(g, load); } }),
              el("button", { type: "button", class: "danger", text: "删除", onclick: function () {
                if (confirm("删除这组同义词？")) API.synDelete(g.id).then(function () { XB.toast("已删除", "ok"); load(); }, XB.fail);
              } })
            ])
          ]);
        }));
        if (!groups.length) tbody.appendChild(el("tr", {}, [el("td", { colspan: "2", class: "empty", text: "没有同义词组。" })]));
      }, XB.fail);
    }
    panel.replaceChildren(
      el("p", { class: "muted", text: "同义词用于扩展检索（例如 催收 / 催债 / 讨债），也会加入分词词典。第一项是这一组的主词。" }),
      el("button", { type: "button", class: "primary", text: "新增同义词组", onclick: function () { editSyn(null, load); } }),
      el("div", { class: "scroll section" }, [el("table", {}, [el("thead", {}, [el("tr", {}, [el("th", { text: "词组" }), el("th", { text: "操作" })])]), tbody])]));
    load();
  }

  function editSyn(g, done) {
    g = g || {};
    XB.modal(g.id ? "编辑同义词组" : "新增同义词组", [
      { name: "terms", label: "词语（每行一个，或用 / 分隔，至少两个）", multiline: true, required: true, value: (g.terms || []).join("\n") }
    ], "保存", function (v) {
      var terms = String(v.terms).split(/[\n\r\/、,，]+/).map(function (x) { return x.trim(); }).filter(Boolean);
      if (terms.length < 2) return Promise.reject(new Error("至少需要两个词。"));
      return (g.id ? API.synUpdate(g.id, { terms: terms }) : API.synCreate({ terms: terms })).then(function () { XB.toast("已保存", "ok"); done(); });
    });
  }

  // ---- hit testing ----
  function hitTest() {
    var q = el("input", { id: "t-q", type: "search", required: true, placeholder: "像消费者那样提问，例如：信用卡年费能退吗", class: "wide" });
    var k = el("input", { id: "t-k", type: "number", min: "1", max: "20", value: "5" });
    var mode = el("select", { id: "t-mode" }, [["", "混合（默认）"], ["lexical", "仅词法"], ["vector", "仅向量"], ["bm25", "BM25 基线"]].map(function (m) { return el("option", { value: m[0], text: m[1] }); }));
    var drafts = el("input", { id: "t-drafts", type: "checkbox" });
    var out = el("div", { "aria-live": "polite" });
    var form = el("form", { class: "filters", onsubmit: function (e) {
      e.preventDefault();
      out.replaceChildren(el("p", { class: "muted", text: "检索中…" }));
      API.test(q.value.trim(), k.value, { mode: mode.value, include_drafts: drafts.checked }).then(function (res) {
        var hits = (res && res.hits) || [];
        out.replaceChildren(el("p", { class: "muted", text: "共 " + hits.length + " 条结果" + (res.took_ms != null ? "，用时 " + res.took_ms + " ms" : "") }));
        hits.forEach(function (h, i) { out.appendChild(hitView(h, i + 1)); });
      }, function (e2) { out.replaceChildren(el("p", { class: "error", text: e2.message })); });
    } }, [
      el("div", { class: "grow" }, [el("label", { for: "t-q", text: "测试问题" }), q]),
      el("div", {}, [el("label", { for: "t-k", text: "返回条数" }), k]),
      el("div", {}, [el("label", { for: "t-mode", text: "检索方式" }), mode]),
      el("div", { class: "row check" }, [drafts, el("label", { for: "t-drafts", text: "包括草稿" })]),
      el("button", { type: "submit", class: "primary", text: "检索" })
    ]);
    panel.replaceChildren(form, out);
    q.focus();
  }

  function hitView(h, rank) {
    // The score breakdown: each channel's rank (— when the passage was not in
    // that list), the raw scores behind them and the fused RRF score.
    function pos(r) { return r ? "#" + r : "—"; }
    var parts = [
      "融合分 " + fmt(h.score),
      "词法 " + pos(h.lexical_rank) + (h.lexical_score ? "（BM25 " + fmt(h.lexical_score) + "）" : ""),
      "向量 " + pos(h.vector_rank) + (h.similarity ? "（相似度 " + fmt(h.similarity) + "）" : ""),
      "FAQ 词法 " + pos(h.faq_lexical_rank), "FAQ 向量 " + pos(h.faq_vector_rank) + (h.faq_similarity ? "（" + fmt(h.faq_similarity) + "）" : "")
    ];
    if (h.coverage != null) parts.push("覆盖 " + fmt(h.coverage));
    if (h.relevance != null) parts.push("相关度 " + fmt(h.relevance));
    return el("article", { class: "hit" }, [
      el("div", { class: "row" }, [el("strong", { text: rank + ". " + (h.title || "") }), el("span", { class: "chip", text: kindName(h.kind) }),
        h.faq_id ? el("span", { class: "chip", text: "FAQ #" + h.faq_id }) : null]),
      el("div", { class: "muted", text: (h.citation || "") + (h.heading_path ? " · " + h.heading_path : "") }),
      el("p", { class: "text", text: h.text || "" }),
      el("div", { class: "score", text: parts.join(" · ") })
    ]);
  }
  function fmt(v) { return typeof v === "number" ? (Math.round(v * 10000) / 10000).toString() : String(v); }

  // ---- unanswered and 👎 ----
  function gaps() {
    var faqs = [];
    var ua = el("tbody"), fb = el("tbody");
    function faqSelect(id) {
      return el("select", { id: id, "aria-label": "加入哪条 FAQ" }, [el("option", { value: "", text: "选择 FAQ…" })].concat(faqs.map(function (f) { return el("option", { value: String(f.id), text: f.question }); })));
    }
    function row(question, meta, extra, payload, dismiss) {
      var id = "g" + Math.random().toString(36).slice(2);
      var sel = faqSelect(id);
      suggest(question, sel);
      var btn = el("button", { type: "button", class: "primary", text: "添加为相似问", onclick: function () {
        if (!sel.value) { sel.focus(); XB.toast("请先选择要加入的 FAQ。"); return; }
        btn.disabled = true;
        API.promote(Number(sel.value), payload).then(function () { XB.toast("已加入相似问：" + question, "ok"); tr.remove(); }, function (e) { btn.disabled = false; XB.fail(e); });
      } });
      var ignore = dismiss ? el("button", { type: "button", text: "忽略", onclick: function () {
        dismiss().then(function () { tr.remove(); }, XB.fail);
      } }) : null;
      var tr = el("tr", {}, [el("td", {}, [el("div", { text: question }), extra ? el("div", { class: "muted", text: extra }) : null]),
        el("td", { text: meta }), el("td", {}, [el("div", { class: "row" }, [sel, btn, ignore])])]);
      return tr;
    }
    // suggest pre-selects the FAQ whose entry best matches the question.
    function suggest(question, sel) {
      API.test(question, 3).then(function (res) {
        var hit = ((res && res.hits) || []).filter(function (h) { return h.faq_id; })[0];
        if (hit && !sel.value) sel.value = String(hit.faq_id);
      }, function () { /* suggestion only */ });
    }
    panel.replaceChildren(
      el("h2", { text: "没能回答的问题" }),
      el("div", { class: "scroll" }, [el("table", {}, [el("thead", {}, [el("tr", {}, ["问题", "最近时间（次数）/ 最高分", "处理"].map(function (h) { return el("th", { scope: "col", text: h }); }))]), ua])]),
      el("h2", { class: "section", text: "被点了“没帮助”的回答" }),
      el("div", { class: "scroll" }, [el("table", {}, [el("thead", {}, [el("tr", {}, ["问题与回答", "时间", "处理"].map(function (h) { return el("th", { scope: "col", text: h }); }))]), fb])])
    );
    API.faqs("").then(function (r) { faqs = (r && (r.faqs || r.items)) || []; }, function () { faqs = []; }).then(function () {
      API.unanswered().then(function (res) {
        var items = (res && (res.unanswered || res.questions || res.items)) || [];
        ua.replaceChildren.apply(ua, items.map(function (u) {
          return row(u.question, XB.datetime(u.last_seen || u.created_at) + (u.count > 1 ? "（" + u.count + " 次）" : "") + (u.top_score != null ? " / " + fmt(u.top_score) : ""), "", { unanswered_id: u.id }, function () { return API.dismiss(u.id); });
        }));
        if (!items.length) ua.appendChild(el("tr", {}, [el("td", { colspan: "3", class: "empty", text: "没有待处理的问题。" })]));
      }, XB.fail);
      API.feedback().then(function (res) {
        var items = (res && (res.feedback || res.items)) || [];
        fb.replaceChildren.apply(fb, items.map(function (f) {
          return row(f.question || "（没有记录问题）", XB.datetime(f.created_at), "回答：" + (f.answer || "") + (f.comment ? "　意见：" + f.comment : ""), { feedback_id: f.id }, function () { return API.dismissFeedback(f.id); });
        }));
        if (!items.length) fb.appendChild(el("tr", {}, [el("td", { colspan: "3", class: "empty", text: "没有“没帮助”的反馈。" })]));
      }, XB.fail);
    });
  }

  // ---- import and index jobs ----
  function importer() {
    var file = el("input", { id: "i-file", type: "file", multiple: true, accept: ".md,.markdown,.txt,.html,.htm,text/markdown,text/plain,text/html" });
    var publish = el("input", { id: "i-pub", type: "checkbox" });
    var ikind = el("select", { id: "i-kind" }, [el("option", { value: "", text: "按文件内容判断" })].concat(KINDS.map(function (k) { return el("option", { value: k[0], text: k[1] }); })));
    var bar = el("progress", { max: "1", value: "0", hidden: true, "aria-label": "上传进度" });
    var out = el("div", { "aria-live": "polite" });
    var form = el("form", { onsubmit: function (e) {
      e.preventDefault();
      if (!file.files.length) { file.focus(); return; }
      var data = new FormData();
      Array.prototype.forEach.call(file.files, function (f) { data.append("file", f, f.name); });
      bar.hidden = false; bar.value = 0;
      out.replaceChildren(el("p", { class: "muted", text: "上传中…" }));
      XB.upload(B + "/import" + XB.qs({ publish: publish.checked ? "true" : "", kind: ikind.value }), data, function (p) { bar.value = p; }).then(function (res) {
        bar.value = 1;
        var results = ((res && res.results) || []).concat(((res && res.failures) || []).map(function (f) { return { file: f.file, error: f.message }; }));
        if (res && res.job && res.job.id) { jobBar.hidden = false; poll(res.job.id, "更新索引"); }
        out.replaceChildren(el("p", { text: "导入完成。" }), el("ul", {}, results.map(function (r) {
          var outcome = { created: "新建", updated: "新版本 v" + r.version, unchanged: "未变化，跳过" }[r.outcome] || r.outcome || "完成";
          return el("li", { class: r.error ? "error" : "", text: (r.file || r.title || "") + "：" + (r.error ? "失败 — " + r.error : outcome + (r.chunks != null ? "，" + r.chunks + " 个段落" : "") + (r.questions ? "，" + r.questions + " 个相似问" : "")) });
        })));
      }, function (e2) { out.replaceChildren(el("p", { class: "error", text: e2.message })); });
    } }, [
      el("label", { for: "i-file", text: "选择文件（Markdown、纯文本或 HTML；UTF-8 或 GB18030）" }), file,
      el("label", { for: "i-kind", text: "文档类型" }), ikind,
      el("div", { class: "row check" }, [publish, el("label", { for: "i-pub", text: "导入后直接发布" })]),
      el("button", { type: "submit", class: "primary", text: "上传并导入" }), bar, out
    ]);
    var jobOut = el("div", { "aria-live": "polite" });
    var jobBar = el("progress", { max: "1", value: "0", hidden: true, "aria-label": "任务进度" });
    function runJob(start, label) {
      return function () {
        start().then(function (res) {
          var job = (res && (res.job || res)) || {};
          jobBar.hidden = false;
          poll(job.id, label);
        }, XB.fail);
      };
    }
    function poll(id, label) {
      if (id == null) { jobOut.textContent = label + "已开始。"; return; }
      API.job(id).then(function (res) {
        var j = (res && (res.job || res)) || {};
        jobBar.value = j.total ? j.done / j.total : 0;
        jobOut.textContent = label + "：" + (j.done || 0) + " / " + (j.total || "?") + "（" + ({ running: "进行中", succeeded: "完成", failed: "失败 " + (j.error || "") }[j.status] || j.status) + "）";
        if (j.status === "running") setTimeout(function () { poll(id, label); }, 1000);
      }, XB.fail);
    }
    panel.replaceChildren(
      el("h2", { text: "导入文件" }), form,
      el("h2", { class: "section", text: "索引" }),
      el("p", { class: "muted", text: "同义词或分词词典变化后“重建索引”；更换向量模型后“重新向量化”。期间检索照常可用。" }),
      el("div", { class: "actions" }, [
        el("button", { type: "button", text: "重建索引", onclick: runJob(API.reindex, "重建索引") }),
        el("button", { type: "button", text: "重新向量化", onclick: runJob(API.reembed, "重新向量化") })
      ]), jobBar, jobOut);
  }

  function debounce(f, ms) {
    var t = 0;
    return function () { clearTimeout(t); t = setTimeout(f, ms); };
  }
})();
