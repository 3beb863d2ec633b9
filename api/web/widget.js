/*! xiaobao 消保 chat widget. One tag adds it to any page:
 *   <script src="https://HOST/widget.js" data-title="消保小助手" async></script>
 * Plain JavaScript, no build step. Everything the server or the consumer
 * writes is rendered with textContent, never as HTML. The UI lives in a
 * shadow root so the host page's CSS cannot reach it. */
(function () {
  "use strict";
  if (window.__xiaobaoWidget) return;
  window.__xiaobaoWidget = true;

  // The server is wherever this file came from, so the tag works on any site.
  var script = document.currentScript;
  var ORIGIN = new URL(script && script.src ? script.src : location.href).origin;
  var WS_URL = ORIGIN.replace(/^http/, "ws") + "/ws/chat";
  var TITLE = (script && script.getAttribute("data-title")) || "消保小助手";
  var KEY = "xiaobao:" + ORIGIN + ":";
  var MAX_TEXT = 2000;

  var STATUS = {
    new: "待受理", claimed: "已受理", in_progress: "处理中", awaiting_consumer: "待您补充材料",
    resolved: "已办结", closed: "已关闭", transferred: "已转办", extended: "已延期", merged: "已合并"
  };
  var HINTS = {
    phone: ["tel", "tel", "请输入 11 位手机号，例如 13800138000"],
    occurred_at: ["text", "off", "大概什么时候发生的？例如：2024年3月5日、上个月、前天"],
    amount: ["decimal", "off", "涉及多少钱？例如：23000、2.3万、两万三；没有可以回答“没有”"],
    name: ["text", "name", "请填写您的姓名，方便机构联系您"],
    institution: ["text", "organization", "哪家机构？例如：招商银行、支付宝、某某保险"],
    description: ["text", "off", "请说说事情经过，越具体越好"],
    demand: ["text", "off", "您希望怎么解决？例如：退款、赔偿、停止骚扰"],
    consent: ["text", "off", "请选择“同意”或“不同意”"],
    confirm: ["text", "off", "请核对上面的信息，点“确认”提交"],
    tracking_no: ["text", "off", "请输入投诉编号，例如 TS20261123-4821"],
    phone_last4: ["numeric", "off", "请输入登记手机号的后 4 位数字"]
  };

  // Storage can throw (private modes, sandboxed frames): degrade to memory.
  function store(kind) {
    try { var s = window[kind]; s.setItem(KEY + "t", "1"); s.removeItem(KEY + "t"); return s; } catch (e) { return null; }
  }
  var session = store("sessionStorage"), local = store("localStorage");
  function sget(k) { return session ? session.getItem(KEY + k) : null; }
  function sset(k, v) { if (session) { if (v == null) session.removeItem(KEY + k); else session.setItem(KEY + k, v); } }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // el builds an element; strings become text nodes, never markup.
  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    for (var k in attrs || {}) {
      var v = attrs[k];
      if (v == null || v === false) continue;
      if (k === "text") n.textContent = v;
      else if (k.slice(0, 2) === "on") n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? "" : v);
    }
    (kids || []).forEach(function (c) { if (c != null) n.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return n;
  }

  // icon is decoration: screen readers skip it, the words carry the meaning.
  function icon(e) { return el("span", { "aria-hidden": "true", text: e + " " }); }

  // A deadline is a day in China time (Asia/Shanghai), wherever the
  // consumer's phone is set.
  var chinaDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "numeric", day: "numeric" });
  function fmtDate(s) {
    if (!s) return "";
    var d = new Date(s);
    if (isNaN(d)) return String(s);
    var p = {};
    chinaDay.formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    return p.year + "年" + Number(p.month) + "月" + Number(p.day) + "日";
  }
  function fmtTime(s) {
    var d = s ? new Date(s) : new Date();
    if (isNaN(d)) d = new Date();
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }
  function fmtYuan(v) {
    if (v == null || v === "") return "未提供";
    var n = Number(v);
    return isNaN(n) ? String(v) : n.toLocaleString("zh-CN", { maximumFractionDigits: 2 }) + " 元";
  }

  var CSS = [
    ":host{all:initial}",
    ".root{--pri:#0b5cad;--pri-d:#084a8c;--ink:#1f2329;--mut:#4e5561;--line:#d5d9e0;--bg:#fff;--soft:#f2f4f7;",
    'font:15px/1.55 system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:var(--ink)}',
    ".root.big{font-size:19px}",
    "*{box-sizing:border-box}",
    "[hidden]{display:none!important}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "button,input,textarea{font:inherit;color:inherit}",
    "button{cursor:pointer;border:1px solid var(--line);background:#fff;border-radius:.5em;padding:.35em .8em;min-height:2.2em}",
    "button:hover{border-color:var(--pri)}",
    "button:disabled{opacity:.55;cursor:default}",
    ":focus-visible{outline:3px solid #f5a623;outline-offset:2px}",
    ".primary{background:var(--pri);border-color:var(--pri);color:#fff}",
    ".primary:hover{background:var(--pri-d)}",
    ".link{border:0;background:none;color:var(--pri);text-decoration:underline;padding:.2em .3em;min-height:0}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;gap:.4em;align-items:center;",
    "background:var(--pri);color:#fff;border:0;border-radius:2em;padding:.7em 1.2em;box-shadow:0 4px 16px rgba(0,0,0,.25);font-weight:600}",
    ".launcher:hover{background:var(--pri-d)}",
    ".badge{background:#c4161c;color:#fff;border-radius:1em;padding:0 .45em;font-size:.8em}",
    ".panel{position:fixed;right:20px;bottom:20px;z-index:2147483001;width:400px;max-width:calc(100vw - 24px);",
    "height:min(680px,calc(100vh - 40px));display:flex;flex-direction:column;background:var(--bg);border-radius:14px;",
    "box-shadow:0 8px 32px rgba(0,0,0,.28);overflow:hidden}",
    ".is-open .launcher{display:none}",
    ".head{display:flex;align-items:center;gap:.35em;padding:.55em .7em;background:var(--pri);color:#fff}",
    ".head h2{flex:1;margin:0;font-size:1.05em;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}",
    ".tool{background:transparent;color:#fff;border-color:rgba(255,255,255,.6);padding:.2em .55em;min-height:2em}",
    ".tool[aria-pressed=true]{background:#fff;color:var(--pri)}",
    ".close{font-size:1.3em;line-height:1;padding:.1em .5em}",
    ".conn{display:flex;gap:.5em;align-items:center;justify-content:center;background:#fff4d6;color:#5c4300;padding:.35em .6em;font-size:.9em}",
    ".alerts:empty{display:none}",
    ".alert{margin:.5em;padding:.6em .75em;border-radius:10px;border:2px solid}",
    ".alert.fraud{background:#fff1f0;border-color:#c4161c;color:#6d0a0e}",
    ".alert.crisis{background:#fff8e6;border-color:#a35400;color:#4d2800}",
    ".alert p{margin:.3em 0}",
    ".alert.small p,.alert.small .hotlines{display:none}",
    ".hotlines{list-style:none;margin:.3em 0;padding:0;display:flex;flex-wrap:wrap;gap:.4em}",
    ".call{display:inline-block;padding:.45em .8em;border-radius:2em;background:#c4161c;color:#fff;text-decoration:none;font-weight:600}",
    ".crisis .call{background:#8a4500}",
    ".dismiss{color:inherit}",
    ".lookup{display:grid;grid-template-columns:1fr 1fr;gap:.3em .5em;padding:.6em .7em;border-bottom:1px solid var(--line);background:var(--soft)}",
    ".lookup label{font-size:.85em;color:var(--mut)}",
    ".lookup input{grid-row:2;width:100%;padding:.4em;border:1px solid #8a919c;border-radius:6px}",
    ".lookup button{grid-column:1/3}",
    ".formerr{grid-column:1/3;margin:0;color:#b3141a;font-size:.85em}",
    ".formerr:empty{display:none}",
    ".log{flex:1;overflow-y:auto;padding:.7em;display:flex;flex-direction:column;gap:.55em;overscroll-behavior:contain}",
    ".msg{display:flex;flex-direction:column;max-width:88%}",
    ".msg.me{align-self:flex-end;align-items:flex-end}",
    ".msg.bot{align-self:flex-start}",
    ".bubble{padding:.5em .75em;border-radius:12px;white-space:pre-wrap;word-break:break-word;overflow-wrap:anywhere}",
    ".me .bubble{background:var(--pri);color:#fff;border-bottom-right-radius:3px}",
    ".bot .bubble{background:var(--soft);border-bottom-left-radius:3px}",
    ".bot .bubble:empty{display:none}",
    ".me.pending .bubble{background:#3f6a99;outline:2px dashed #0b5cad;outline-offset:1px}",
    '.pending .time::after{content:" 待发送"}',
    ".time{font-size:.72em;color:var(--mut);margin-top:.15em}",
    ".notice{align-self:center;margin:0;font-size:.85em;color:var(--mut);text-align:center}",
    ".cites{margin-top:.3em;font-size:.88em;background:#fff;border:1px solid var(--line);border-radius:8px;padding:.3em .6em}",
    ".cites summary{cursor:pointer;color:var(--pri)}",
    ".cites ol{margin:.3em 0;padding-left:1.3em}",
    ".fb{display:flex;gap:.35em;align-items:center;font-size:.85em;color:var(--mut);margin-top:.25em}",
    ".fb button{padding:.1em .5em;min-height:1.9em}",
    ".card{border:1px solid var(--line);border-radius:10px;padding:.6em .75em;background:#fff;margin-top:.3em;max-width:100%}",
    ".card h3{margin:0 0 .35em;font-size:1em}",
    ".card p{margin:.2em 0}",
    ".card dl{display:grid;grid-template-columns:auto 1fr;gap:.2em .7em;margin:.3em 0}",
    ".card dt{color:var(--mut);white-space:nowrap}",
    ".card dd{margin:0;word-break:break-word;white-space:pre-wrap}",
    ".actions{display:flex;gap:.5em;flex-wrap:wrap;margin-top:.4em}",
    ".filed{border-color:#2e7d32;background:#f1f8f2}",
    ".track{font:700 1.3em/1.3 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.03em;user-select:all}",
    ".muted{color:var(--mut);font-size:.88em}",
    ".update{border-color:var(--pri)}",
    ".reply-text{white-space:pre-wrap;background:var(--soft);padding:.4em .6em;border-radius:6px}",
    ".rate fieldset{border:0;padding:0;margin:.4em 0;display:flex;flex-wrap:wrap;gap:.3em}",
    ".rate legend{padding:0;margin-bottom:.3em}",
    ".rate input[type=radio]{position:absolute;opacity:0;width:1px;height:1px}",
    ".star{border:1px solid var(--line);border-radius:.5em;padding:.25em .6em;cursor:pointer}",
    ".rate input:checked+.star{background:#f5a623;border-color:#a86a00;color:#1f2329;font-weight:700}",
    ".rate input:focus-visible+.star{outline:3px solid #f5a623;outline-offset:2px}",
    ".rate textarea{width:100%;border:1px solid #8a919c;border-radius:6px;padding:.3em;margin:.2em 0 .4em}",
    ".rate label[for]{display:inline-block}",
    ".quick{display:flex;flex-wrap:wrap;gap:.4em;padding:0 .7em}",
    ".quick:not(:empty){padding-bottom:.5em}",
    ".quick button{border-color:var(--pri);color:var(--pri);border-radius:2em;background:#fff}",
    ".compose{display:flex;gap:.5em;padding:.55em .7em 0;border-top:1px solid var(--line);align-items:flex-end}",
    ".compose textarea{flex:1;min-width:0;resize:none;border:1px solid #8a919c;border-radius:8px;padding:.45em .6em;max-height:160px;line-height:1.45}",
    ".send{background:var(--pri);border-color:var(--pri);color:#fff;font-weight:600}",
    ".hint{margin:0;padding:.2em .8em 0;font-size:.82em;color:var(--mut);min-height:1.4em}",
    ".hint.warn{color:#b3141a}",
    ".foot{display:flex;justify-content:space-between;align-items:center;gap:.5em;padding:.15em .7em .45em;font-size:.75em;color:var(--mut)}",
    "@media (max-width:480px){",
    ".panel{inset:0;right:0;bottom:0;width:100%;max-width:100%;height:100%;border-radius:0}",
    ".launcher{right:12px;bottom:12px}",
    "}",
    "@media (prefers-reduced-motion:no-preference){.panel{animation:xb-in .15s ease-out}@keyframes xb-in{from{opacity:0;transform:translateY(8px)}}}"
  ].join("\n");

  // ---- DOM ----
  var host = document.createElement("xiaobao-widget");
  var root = host.attachShadow({ mode: "open" });
  try {
    var sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); root.adoptedStyleSheets = [sheet];
  } catch (e) {
    root.appendChild(el("style", { text: CSS }));
  }

  var ui = {};
  function build() {
    ui.badge = el("span", { class: "badge", hidden: true, "aria-hidden": "true" });
    ui.launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "xb-panel", onclick: function () { toggle(true); } },
      [el("span", { "aria-hidden": "true", text: "💬" }), el("span", { text: TITLE }), ui.badge]);
    ui.big = el("button", { type: "button", class: "tool", "aria-pressed": "false", title: "放大字体（长辈模式）", onclick: function () { setBig(!state.big); } }, ["大字"]);
    ui.lookupBtn = el("button", { type: "button", class: "tool", "aria-expanded": "false", "aria-controls": "xb-lookup", onclick: function () { showLookup(ui.lookup.hidden); } }, ["查进度"]);
    ui.close = el("button", { type: "button", class: "tool close", "aria-label": "关闭对话窗口", onclick: function () { toggle(false); } }, ["×"]);
    ui.conn = el("div", { class: "conn", role: "status", hidden: true });
    ui.alerts = el("div", { class: "alerts" });
    ui.lookup = buildLookup();
    ui.log = el("div", { class: "log", id: "xb-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": "对话记录", tabindex: "0" });
    ui.quick = el("div", { class: "quick", role: "group", "aria-label": "快捷回复" });
    ui.hint = el("p", { class: "hint", id: "xb-hint" });
    ui.input = el("textarea", { id: "xb-input", rows: "1", maxlength: String(MAX_TEXT), "aria-describedby": "xb-hint", placeholder: "请输入您的问题或遇到的情况…", enterkeyhint: "send" });
    ui.send = el("button", { type: "submit", class: "send" }, ["发送"]);
    ui.form = el("form", { class: "compose", onsubmit: function (e) { e.preventDefault(); submitText(); } }, [
      el("label", { for: "xb-input", class: "sr", text: "输入消息" }), ui.input, ui.send
    ]);
    ui.handoff = el("button", { type: "button", class: "link", onclick: function () { sendAction({ name: "handoff" }); } }, ["转人工客服"]);
    ui.panel = el("section", { class: "panel", id: "xb-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "xb-title", hidden: true }, [
      el("header", { class: "head" }, [el("h2", { id: "xb-title", text: TITLE }), ui.big, ui.lookupBtn, ui.close]),
      ui.conn, ui.alerts, ui.lookup, ui.log, ui.quick, ui.form, ui.hint,
      el("footer", { class: "foot" }, [el("span", { text: "请勿在对话中发送密码、验证码或完整银行卡号。" }), ui.handoff])
    ]);
    // lang makes screen readers use a Chinese voice on any host page.
    ui.root = el("div", { class: "root", lang: "zh-CN" }, [ui.launcher, ui.panel]);
    ui.panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { e.preventDefault(); toggle(false); } });
    ui.input.addEventListener("keydown", function (e) {
      // Enter sends; Shift+Enter is a new line; never send mid-IME composition.
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); submitText(); }
    });
    ui.log.addEventListener("scroll", function () {
      var l = ui.log;
      state.pinned = l.scrollHeight - l.scrollTop - l.clientHeight < 60;
    });
    ui.input.addEventListener("input", function () { sset("draft", ui.input.value || null); grow(); });
    root.appendChild(ui.root);
  }

  function buildLookup() {
    var tn = el("input", { id: "xb-tn", name: "tracking_no", autocomplete: "off", autocapitalize: "characters", spellcheck: "false", required: true, placeholder: "TS20250101-0001" });
    var p4 = el("input", { id: "xb-p4", name: "phone_last4", inputmode: "numeric", autocomplete: "off", maxlength: "4", pattern: "[0-9]{4}", required: true, placeholder: "1234" });
    var msg = el("p", { class: "formerr", role: "alert" });
    var form = el("form", { class: "lookup", id: "xb-lookup", hidden: true, "aria-label": "查询投诉进度", onsubmit: function (e) {
      e.preventDefault();
      var t = tn.value.replace(/[\s\u3000]/g, "").toUpperCase().replace(/^(TS\d{8})(\d{4})$/, "$1-$2"), d = p4.value.trim();
      if (!/^TS\d{8}-\d{4}$/.test(t)) { msg.textContent = "受理编号格式应为 TS 加日期和序号，例如 TS20250101-0001"; tn.focus(); return; }
      if (!/^\d{4}$/.test(d)) { msg.textContent = "请填写登记手机号的后 4 位数字"; p4.focus(); return; }
      msg.textContent = "";
      sendAction({ name: "status", tracking_no: t, phone_last4: d });
      showLookup(false);
    } }, [
      el("label", { for: "xb-tn", text: "受理编号" }), tn,
      el("label", { for: "xb-p4", text: "登记手机号后 4 位" }), p4,
      el("button", { type: "submit", class: "primary" }, ["查询"]), msg
    ]);
    ui.tn = tn;
    return form;
  }

  function showLookup(on) {
    ui.lookup.hidden = !on;
    ui.lookupBtn.setAttribute("aria-expanded", String(on));
    if (on) { if (!ui.tn.value && sget("tracking")) ui.tn.value = sget("tracking"); ui.tn.focus(); }
  }

  // ---- state ----
  var state = { open: false, big: false, ws: null, ready: false, attempt: 0, timer: 0, expecting: "", sessionId: sget("session") || "", unread: 0, started: false, pinned: true };
  // outbox keeps every consumer frame until the server has surely seen it;
  // resending is safe because client_msg_id makes messages idempotent.
  var outbox = [];
  try { outbox = JSON.parse(sget("outbox") || "[]"); } catch (e) { outbox = []; }
  var byId = {};

  function saveOutbox() {
    sset("outbox", outbox.length ? JSON.stringify(outbox.slice(-30).map(function (i) { return { frame: i.frame, sent: i.sent }; })) : null);
  }

  // toggle opens or closes the panel; quiet (restoring the panel on a new
  // page of the same site) does not move the keyboard focus.
  function toggle(open, quiet) {
    state.open = open;
    sset("open", open ? "1" : null);
    ui.panel.hidden = !open;
    ui.root.classList.toggle("is-open", open);
    ui.launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      state.unread = 0; setUnread();
      connect();
      grow();
      if (!quiet) ui.input.focus();
      scrollDown(true);
    } else if (!quiet) {
      ui.launcher.focus();
    }
  }

  function setUnread() {
    ui.badge.textContent = String(state.unread);
    ui.badge.hidden = !state.unread;
    ui.launcher.setAttribute("aria-label", TITLE + (state.unread ? "，" + state.unread + " 条新消息" : ""));
  }

  function setBig(on) {
    state.big = on;
    ui.root.classList.toggle("big", on);
    ui.big.setAttribute("aria-pressed", String(on));
    grow();
    try { if (local) local.setItem("xiaobao:big", on ? "1" : "0"); } catch (e) { /* quota */ }
  }

  // grow fits the input to its text, up to about six lines.
  function grow() {
    var i = ui.input;
    if (ui.panel.hidden) return; // nothing to measure; toggle() grows on open
    i.style.height = "auto";
    var h = i.scrollHeight + i.offsetHeight - i.clientHeight;
    i.style.height = Math.min(h, 160) + "px";
    i.style.overflowY = h > 160 ? "auto" : "hidden";
  }

  // scrollDown follows new messages unless the consumer has scrolled up to
  // read something earlier.
  function scrollDown(force) {
    if (force || state.pinned) ui.log.scrollTop = ui.log.scrollHeight;
  }

  // ---- connection ----
  function connect() {
    if (state.ws || state.started && state.timer) return;
    state.started = true;
    clearTimeout(state.timer); state.timer = 0;
    var ws;
    try { ws = new WebSocket(WS_URL); } catch (e) { return retry(); }
    state.ws = ws;
    ws.onopen = function () {
      var hello = { type: "hello" };
      var tok = sget("resume");
      if (tok) hello.resume_token = tok;
      state.resuming = !!tok;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = function (ev) {
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      if (f && typeof f.type === "string") handle(f);
    };
    ws.onclose = function (ev) {
      state.ws = null; state.ready = false;
      if (ev.code === 1009) notice("上一条消息太长，没有发送成功。请分几次发送。");
      retry();
    };
    ws.onerror = function () { /* onclose follows and retries */ };
  }

  function retry() {
    state.ws = null; state.ready = false;
    if (state.timer) return;
    state.attempt++;
    // Exponential backoff with jitter, so a restarted server is not stormed.
    var delay = Math.min(15000, 500 * Math.pow(2, state.attempt - 1)) * (0.6 + Math.random() * 0.4);
    setConn("重新连接中…", true);
    state.timer = setTimeout(function () { state.timer = 0; connect(); }, delay);
  }

  function reconnectNow() {
    if (state.ws || !state.started) return;
    clearTimeout(state.timer); state.timer = 0; connect();
  }
  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) reconnectNow(); });

  function setConn(text, retrying) {
    ui.conn.replaceChildren();
    if (!text) { ui.conn.hidden = true; return; }
    ui.conn.hidden = false;
    ui.conn.appendChild(el("span", { text: text }));
    if (retrying) ui.conn.appendChild(el("button", { type: "button", class: "link", onclick: function () { state.attempt = 0; reconnectNow(); } }, ["立即重试"]));
  }

  // flush sends what the server may not have: everything after a reconnect
  // (all=true), otherwise only what was not sent on this connection.
  function flush(all) {
    if (!state.ready) return;
    var left = [];
    outbox.forEach(function (item) {
      if (!item.node && item.frame.type === "message") item.node = addMsg("consumer", item.frame.text);
      if (all === true || !item.sent) state.ws.send(JSON.stringify(item.frame));
      item.sent = true;
      // Actions carry no id to deduplicate; they are sent once.
      if (item.frame.type === "message") left.push(item);
      if (item.node) item.node.classList.remove("pending");
    });
    outbox = left;
    saveOutbox();
  }

  function queue(frame, node) {
    outbox.push({ frame: frame, node: node });
    saveOutbox();
    if (state.ready) flush();
    else connect();
  }

  // settle forgets messages the server has answered. With one message in
  // flight the answer is unambiguous; otherwise history or a resend (which
  // the server deduplicates by client_msg_id) settles it.
  function settle() {
    var sent = outbox.filter(function (i) { return i.sent; });
    if (sent.length === 1) { outbox.splice(outbox.indexOf(sent[0]), 1); saveOutbox(); }
  }

  function submitText() {
    var text = ui.input.value.trim();
    if (!text) { ui.input.focus(); return; }
    if (text.length > MAX_TEXT) { notice("一次最多 " + MAX_TEXT + " 个字，请分几次发送。"); return; }
    if (state.expecting === "phone" && !/^(\+?86)?1\d{10}$/.test(text.replace(/[\s-]/g, ""))) {
      setHint("手机号好像不是 11 位，请再检查一下（仍可直接发送）。", true);
    }
    ui.input.value = ""; sset("draft", null); grow();
    sendText(text);
    ui.input.focus();
  }

  function sendText(text) {
    clearQuick();
    var id = uuid();
    var node = pendingMsg(text);
    state.shown = true;
    queue({ type: "message", text: text, client_msg_id: id }, node);
  }

  function sendAction(a) {
    a.type = "action";
    queue(a, null);
  }

  // ---- frames ----
  function handle(f) {
    if (f.type !== "session" && f.type !== "history") state.shown = true;
    switch (f.type) {
      case "session":
        if (state.sessionId && f.session_id && f.session_id !== state.sessionId && ui.log.childNodes.length) {
          notice("之前的对话已结束，这是一次新的对话。");
        }
        state.sessionId = f.session_id || ""; sset("session", state.sessionId);
        if (f.resume_token) sset("resume", f.resume_token);
        state.attempt = 0; state.ready = true;
        setConn("");
        // After a resume the server sends the history first; prune the outbox
        // against it before resending. Without history, resend now.
        if (state.resuming) state.flushTimer = setTimeout(function () { flush(true); }, 1500);
        else flush(true);
        break;
      case "history": clearTimeout(state.flushTimer); renderHistory(f.messages || []); flush(true); break;
      case "reply_delta": onDelta(f); break;
      case "error":
        if (f.code === "unavailable" || f.code === "rate_limited" || f.code === "no_session") {
          // Nothing of the turn was stored: keep the message and send it
          // again shortly (the server drops a duplicate by client_msg_id).
          outbox.forEach(function (i) { if (i.sent) { i.sent = false; if (i.node) i.node.classList.add("pending"); } });
          clearTimeout(state.again);
          state.again = setTimeout(flush, f.code === "rate_limited" ? 8000 : 3000);
        } else {
          settle();
        }
        notice(f.message || "出了点问题，请稍后再试。");
        break;
      default:
        if (f.type !== "case_update" && f.type !== "alert") settle();
        render(f, true);
    }
  }

  // render draws one server frame; live=false when it is replayed history,
  // whose confirm buttons no longer apply and whose alerts are not re-raised.
  function render(f, live, at) {
    switch (f.type) {
      case "reply": case "reply_end": onReply(f, f.type === "reply_end", live, at); break;
      case "alert": showAlert(f, live); break;
      case "filed": showFiled(f, live); break;
      case "case_update": showUpdate(f); break;
      case "status": showStatus(f); break;
    }
  }

  function addMsg(role, text, at) {
    var bubble = el("div", { class: "bubble" });
    bubble.textContent = text || "";
    var who = role === "consumer" ? "我" : "助手";
    var m = el("div", { class: "msg " + (role === "consumer" ? "me" : "bot") }, [
      el("span", { class: "sr", text: who + "说：" }), bubble,
      el("span", { class: "time", "aria-hidden": "true", text: fmtTime(at) })
    ]);
    m.bubble = bubble;
    ui.log.appendChild(m);
    if (role !== "consumer" && !state.open && !state.replaying) { state.unread++; setUnread(); }
    scrollDown(role === "consumer");
    return m;
  }

  function notice(text) {
    var n = el("p", { class: "notice", text: text });
    ui.log.appendChild(n); scrollDown(true);
  }

  function botMsg(id, at) {
    var m = id && byId[id];
    if (!m) { m = addMsg("bot", "", at); if (id) byId[id] = m; }
    return m;
  }

  function onDelta(f) {
    var m = botMsg(f.id);
    m.setAttribute("aria-busy", "true");
    m.bubble.textContent += f.delta || "";
    scrollDown(false);
  }

  function onReply(f, end, live, at) {
    var m = botMsg(f.id, at);
    m.removeAttribute("aria-busy");
    if (typeof f.text === "string" && (f.text || !end)) m.bubble.textContent = f.text;
    decorate(m, f, live);
    if (live) { setQuick(quickFor(f)); setExpecting(f.expecting || ""); }
    scrollDown(false);
  }

  // decorate adds the parts of a reply beyond its text. live=false renders a
  // past reply from history, whose buttons no longer apply.
  function decorate(m, f, live) {
    var c = f.citations || [];
    if (c.length && !m.querySelector(".cites")) {
      m.appendChild(el("details", { class: "cites" }, [
        el("summary", { text: "参考依据（" + c.length + " 条）" }),
        el("ol", {}, c.map(function (x) {
          return el("li", {}, [el("strong", { text: x.title || "" }), x.citation ? el("span", { text: " " + x.citation }) : null]);
        }))
      ]));
    }
    if (f.answer && f.id && !m.querySelector(".fb")) m.appendChild(feedback(f.id));
    if (f.summary && live) m.appendChild(summaryCard(f.summary));
  }

  function feedback(id) {
    var box = el("div", { class: "fb", role: "group", "aria-label": "这个回答有帮助吗？" });
    function vote(ok) {
      sendAction({ name: "feedback", message_id: id, helpful: ok });
      box.replaceChildren(el("span", { text: ok ? "谢谢您的肯定！" : "谢谢反馈，我们会改进。需要的话可以转人工。" }));
    }
    box.append(el("span", { text: "这个回答：" }),
      el("button", { type: "button", "data-vote": "up", onclick: function () { vote(true); } }, ["👍 有帮助"]),
      el("button", { type: "button", "data-vote": "down", onclick: function () { vote(false); } }, ["👎 没帮助"]));
    return box;
  }

  function summaryCard(s) {
    var rows = [
      ["业务类别", s.product_name || s.product], ["问题类型", s.reason_name || s.reason], ["涉及机构", s.institution],
      ["事情经过", s.description], ["发生时间", s.occurred_at ? fmtDate(s.occurred_at) : ""],
      ["涉及金额", s.amount_yuan == null ? (s.amount_foreign || "") : fmtYuan(s.amount_yuan)],
      ["您的诉求", (s.demand_names || s.demands || []).join("、") || s.request], ["姓名", s.name], ["联系电话", s.phone]
    ];
    var dl = el("dl", {});
    rows.forEach(function (r) { if (r[1]) dl.append(el("dt", { text: r[0] }), el("dd", { text: String(r[1]) })); });
    var card = el("div", { class: "card summary", role: "group", "aria-label": "请核对投诉信息" }, [el("h3", { text: "请核对您的投诉信息" }), dl]);
    var btns = [["confirm", "确认", "primary"], ["edit", "修改", ""], ["cancel", "取消", ""]].map(function (b) {
      return el("button", { type: "button", class: b[2], "data-action": b[0], onclick: function () {
        btns.forEach(function (x) { x.disabled = true; });
        sendAction({ name: b[0] });
        if (b[0] === "edit") ui.input.focus();
      } }, [b[1]]);
    });
    card.appendChild(el("div", { class: "actions" }, btns));
    return card;
  }

  // quickFor drops quick replies that repeat the summary card's buttons.
  function quickFor(f) {
    return (f.quick_replies || []).filter(function (q) { return !f.summary || ["确认", "修改", "取消"].indexOf(q) < 0; });
  }

  function setQuick(list) {
    clearQuick();
    list.forEach(function (q) {
      ui.quick.appendChild(el("button", { type: "button", onclick: function () { sendText(q); } }, [q]));
    });
  }
  function clearQuick() { ui.quick.replaceChildren(); }

  function setHint(text, warn) { ui.hint.textContent = text || ""; ui.hint.classList.toggle("warn", !!warn); }

  // setExpecting suits the input to the slot being asked for: a phone keypad
  // for the phone number, hints for dates and amounts.
  function setExpecting(exp) {
    state.expecting = exp;
    var h = HINTS[exp] || ["text", "off", ""];
    ui.input.setAttribute("inputmode", h[0]);
    ui.input.setAttribute("autocomplete", h[1]);
    ui.input.setAttribute("data-expecting", exp);
    if (exp === "phone") ui.input.setAttribute("pattern", "1[0-9]{10}"); else ui.input.removeAttribute("pattern");
    setHint(h[2], false);
  }

  function showAlert(f, live) {
    var fraud = f.kind === "fraud";
    var list = el("ul", { class: "hotlines" }, (f.hotlines || []).map(function (h) {
      var num = String(h.number || "").replace(/[^\d+]/g, "");
      return el("li", {}, [el("a", { href: "tel:" + num, class: "call" }, [icon("📞"), "拨打 " + (h.name ? h.name + " " : "") + num])]);
    }));
    var box = el("div", { class: "alert " + (fraud ? "fraud" : "crisis"), role: "alert" }, [
      el("strong", {}, [icon(fraud ? "⚠️" : "💛"), fraud ? "防诈骗紧急提醒" : "我们很关心您的安全"]),
      el("p", { text: f.text || "" }), list
    ]);
    box.appendChild(el("button", { type: "button", class: "link dismiss", onclick: function () { box.classList.toggle("small"); } }, ["收起/展开"]));
    if (!live) {
      // Replayed: keep it in the transcript, collapsed, without re-alarming.
      box.classList.add("small"); box.setAttribute("role", "note");
      return appendCard(box);
    }
    ui.alerts.replaceChildren(box);
    if (!state.open) toggle(true);
  }

  function copyButton(text) {
    var b = el("button", { type: "button", onclick: function () {
      function done() { b.textContent = "已复制"; setTimeout(function () { b.textContent = "复制编号"; }, 2000); }
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
      else fallback();
      function fallback() {
        var t = el("textarea", { readonly: true, class: "sr" }); t.value = text; root.appendChild(t); t.select();
        try { document.execCommand("copy"); done(); } catch (e) { b.textContent = "请手动抄写编号"; }
        t.remove();
      }
    } }, ["复制编号"]);
    return b;
  }

  function showFiled(f, live) {
    if (live) { setExpecting(""); clearQuick(); }
    if (f.tracking_no) sset("tracking", f.tracking_no);
    var card = el("div", { class: "card filed", role: "group", "aria-label": "投诉已提交" }, [
      el("h3", {}, [icon("✅"), "投诉已提交"]),
      el("p", { text: "受理编号" }),
      el("p", { class: "track", text: f.tracking_no || "" }),
      copyButton(f.tracking_no || ""),
      f.deadline ? el("p", { text: "办理期限：" + fmtDate(f.deadline) + " 前给您处理结果。" }) : null,
      el("p", { class: "muted", text: "请记下编号。查询进度需要编号和登记手机号后 4 位。处理人员回复后，这里会显示。" })
    ]);
    appendCard(card);
  }

  function showUpdate(f) {
    var card = el("div", { class: "card update", role: "group", "aria-label": "投诉进展" }, [
      el("h3", {}, [icon("📬"), "投诉 " + (f.tracking_no || "") + " 有新进展"]),
      el("p", { text: "状态：" + (f.status_name || STATUS[f.status] || f.status || "") }),
      f.message ? el("p", { class: "reply-text", text: f.message }) : null
    ]);
    if (f.status === "resolved") card.appendChild(ratingForm(f.tracking_no));
    appendCard(card);
  }

  function showStatus(f) {
    var dl = el("dl", {});
    [["受理编号", f.tracking_no], ["当前状态", f.status_name || STATUS[f.status] || f.status],
      ["办理期限", fmtDate(f.deadline)], ["最新答复", f.latest_message || "暂无"]].forEach(function (r) {
      if (r[1]) dl.append(el("dt", { text: r[0] }), el("dd", { text: String(r[1]) }));
    });
    var card = el("div", { class: "card status", role: "group", "aria-label": "投诉进度" }, [el("h3", {}, [icon("🔎"), "投诉进度"]), dl]);
    if (f.can_rate) card.appendChild(ratingForm(f.tracking_no));
    appendCard(card);
  }

  function appendCard(card) {
    var m = addMsg("bot", "");
    m.bubble.remove();
    m.insertBefore(card, m.lastChild);
    scrollDown(true);
  }

  var rateSeq = 0;
  function ratingForm(tn) {
    var n = ++rateSeq, labels = ["非常不满意", "不满意", "一般", "满意", "非常满意"];
    var fs = el("fieldset", {}, [el("legend", { text: "您对处理结果满意吗？请打分（1–5）" })]);
    labels.forEach(function (l, i) {
      var id = "xb-r" + n + "-" + (i + 1);
      fs.append(el("input", { type: "radio", name: "score" + n, id: id, value: String(i + 1), required: true }),
        el("label", { for: id, class: "star", title: l }, [String(i + 1) + "★", el("span", { class: "sr", text: " " + l })]));
    });
    var cid = "xb-rc" + n;
    var comment = el("textarea", { id: cid, maxlength: "500", rows: "2" });
    var form = el("form", { class: "rate", onsubmit: function (e) {
      e.preventDefault();
      var picked = form.querySelector("input[type=radio]:checked");
      if (!picked) return;
      sendAction({ name: "rate", tracking_no: tn, score: Number(picked.value), comment: comment.value.trim() });
      form.replaceChildren(el("p", { text: "感谢您的评价！" }));
    } }, [fs, el("label", { for: cid, text: "还想说点什么（可不填）" }), comment, el("button", { type: "submit", class: "primary" }, ["提交评价"])]);
    return form;
  }

  // renderHistory shows the transcript the server kept: consumer lines, bot
  // lines with the frame they were sent as (reply, filed, status…) and the
  // handler's messages. A page that has shown nothing yet (reload, new tab)
  // draws it whole; a page that was only disconnected keeps what it shows
  // and adds what it missed.
  function renderHistory(items) {
    var full = !state.shown, last = null;
    state.replaying = true;
    if (full) { ui.log.replaceChildren(); byId = {}; }
    var shownText = {};
    if (!full) ui.log.querySelectorAll(".bot .bubble, .reply-text").forEach(function (b) { shownText[b.textContent] = true; });
    items.forEach(function (it) {
      var f = it.reply || null;
      if (it.role === "consumer") {
        if (full) addMsg("consumer", it.text, it.at);
        return;
      }
      if (f && (f.type === "reply" || f.type === "reply_end" || !f.type)) last = f;
      if (!full && (f && f.id ? byId[f.id] : shownText[it.text])) return;
      if (!f) { addMsg("bot", it.text, it.at); return; }
      if (!f.type || f.type === "reply_end") f.type = "reply";
      if (f.type === "reply" && f.text == null) f.text = it.text;
      if (f.type === "case_update" && !f.message) f.message = it.text;
      render(f, false, it.at);
    });
    // The outbox keeps only what the server has not recorded yet; a resend
    // of anything else is dropped by the server (client_msg_id).
    var seenText = {};
    items.forEach(function (it) { if (it.role === "consumer") seenText[it.text] = (seenText[it.text] || 0) + 1; });
    outbox = outbox.filter(function (i) {
      var fr = i.frame;
      if (fr.type !== "message") return !i.sent;
      var gone = i.sent && seenText[fr.text] > 0;
      if (gone) { seenText[fr.text]--; if (i.node) i.node.classList.remove("pending"); }
      return !gone;
    });
    if (full) outbox.forEach(function (i) { if (i.frame.type === "message") i.node = pendingMsg(i.frame.text); });
    saveOutbox();
    state.shown = state.shown || items.length > 0;
    if (last) {
      var open = ui.log.querySelector(".summary button:not(:disabled)");
      if (last.summary && last.expecting === "confirm" && !open) appendCard(summaryCard(last.summary));
      setQuick(quickFor(last));
      setExpecting(last.expecting || "");
    }
    state.replaying = false;
    scrollDown(true);
  }

  function pendingMsg(text) {
    var n = addMsg("consumer", text);
    n.classList.add("pending");
    return n;
  }

  // ---- start ----
  function start() {
    build();
    document.body.appendChild(host);
    setBig(!!(local && local.getItem("xiaobao:big") === "1"));
    var draft = sget("draft");
    if (draft) { ui.input.value = draft; grow(); }
    // A consumer mid-conversation (reload, new page on the same site) is
    // reconnected at once so case updates reach them.
    if (sget("open")) toggle(true, true);
    if (sget("resume")) connect();
    else outbox.forEach(function (i) { if (i.frame.type === "message") i.node = pendingMsg(i.frame.text); });
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
