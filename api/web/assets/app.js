/* Shared helpers of the staff consoles (/console/, /kb/, /dashboard/).
 * Safety rules kept here so every page follows them: text is only ever put
 * into the page with textContent (el() has no way to inject markup), the API
 * token lives in sessionStorage and travels only in the Authorization
 * header, never in a URL. */
var XB = (function () {
  "use strict";
  var TOKEN_KEY = "xiaobao.token";

  // el builds an element. Strings become text nodes; there is deliberately no
  // way to pass HTML.
  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    for (var k in attrs || {}) {
      var v = attrs[k];
      if (v == null || v === false) continue;
      if (k === "text") n.textContent = v;
      else if (k === "value") n.value = v;
      else if (k.slice(0, 2) === "on") n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? "" : v);
    }
    [].concat(kids || []).forEach(function (c) {
      if (c == null || c === false) return;
      n.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    });
    return n;
  }

  function token() { try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch (e) { return mem; } }
  var mem = "";
  function setToken(t) {
    mem = t || "";
    try { if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* memory only */ }
  }

  // ApiError carries the server's safe message and status.
  function ApiError(status, code, message) { this.status = status; this.code = code; this.message = message; }
  ApiError.prototype = Object.create(Error.prototype);

  var onUnauthenticated = null;

  // api calls the JSON API with the bearer token. Bodies that are FormData
  // or Blob are sent as they are (uploads).
  function api(method, path, body, opts) {
    opts = opts || {};
    var headers = { Authorization: "Bearer " + token(), Accept: "application/json" };
    var init = { method: method, headers: headers, cache: "no-store", signal: opts.signal };
    if (body != null) {
      if (body instanceof FormData || body instanceof Blob) init.body = body;
      else { headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    }
    return fetch(path, init).then(function (res) {
      if (res.status === 204) return null;
      var ct = res.headers.get("Content-Type") || "";
      var p = ct.indexOf("json") >= 0 ? res.json() : res.text();
      return p.then(function (data) {
        if (res.ok) return data;
        var err = (data && data.error) || {};
        if (res.status === 401 && onUnauthenticated) onUnauthenticated();
        throw new ApiError(res.status, err.code || "http_" + res.status, err.message || ("请求失败（" + res.status + "）"));
      });
    });
  }

  // upload posts a file with progress (fetch cannot report upload progress).
  function upload(path, form, onProgress) {
    return new Promise(function (resolve, reject) {
      var x = new XMLHttpRequest();
      x.open("POST", path);
      x.setRequestHeader("Authorization", "Bearer " + token());
      x.setRequestHeader("Accept", "application/json");
      x.upload.onprogress = function (e) { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
      x.onload = function () {
        var data = null;
        try { data = JSON.parse(x.responseText); } catch (e) { data = null; }
        if (x.status >= 200 && x.status < 300) return resolve(data);
        var err = (data && data.error) || {};
        if (x.status === 401 && onUnauthenticated) onUnauthenticated();
        reject(new ApiError(x.status, err.code || "http_" + x.status, err.message || ("上传失败（" + x.status + "）")));
      };
      x.onerror = function () { reject(new ApiError(0, "network", "网络错误，上传没有完成")); };
      x.send(form);
    });
  }

  // stream reads a server-sent-events endpoint with fetch, because
  // EventSource cannot send the Authorization header. It reconnects with
  // backoff and reports its state through onState("live"|"retry").
  function stream(path, onEvent, onState) {
    var stopped = false, ctrl = null, attempt = 0, timer = 0;
    function connect() {
      if (stopped) return;
      ctrl = new AbortController();
      fetch(path, { headers: { Authorization: "Bearer " + token(), Accept: "text/event-stream" }, cache: "no-store", signal: ctrl.signal })
        .then(function (res) {
          if (res.status === 401) { if (onUnauthenticated) onUnauthenticated(); stopped = true; return; }
          if (!res.ok || !res.body) throw new Error("stream " + res.status);
          attempt = 0;
          if (onState) onState("live");
          var reader = res.body.getReader(), dec = new TextDecoder(), buf = "";
          function pump() {
            return reader.read().then(function (r) {
              if (r.done) throw new Error("stream ended");
              buf += dec.decode(r.value, { stream: true });
              var i;
              while ((i = buf.search(/\r?\n\r?\n/)) >= 0) {
                var block = buf.slice(0, i);
                buf = buf.slice(i).replace(/^\r?\n\r?\n/, "");
                var ev = { event: "message", data: "" }, lines = block.split(/\r?\n/);
                lines.forEach(function (l) {
                  if (l.indexOf("event:") === 0) ev.event = l.slice(6).trim();
                  else if (l.indexOf("data:") === 0) ev.data += (ev.data ? "\n" : "") + l.slice(5).replace(/^ /, "");
                  else if (l.indexOf("id:") === 0) ev.id = l.slice(3).trim();
                });
                if (ev.data) {
                  try { ev.json = JSON.parse(ev.data); } catch (e) { ev.json = null; }
                  onEvent(ev);
                }
              }
              return pump();
            });
          }
          return pump();
        })
        .catch(function () {
          if (stopped) return;
          if (onState) onState("retry");
          attempt++;
          timer = setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, attempt - 1)));
        });
    }
    connect();
    return function stop() { stopped = true; clearTimeout(timer); if (ctrl) ctrl.abort(); };
  }

  // ---- formatting ----
  // Dates are China's (deadlines are counted in Asia/Shanghai days),
  // whatever zone the browser is in.
  var chinaDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });
  function date(s) {
    if (!s) return "";
    var d = new Date(s);
    if (isNaN(d)) return String(s);
    var p = {};
    chinaDay.formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    return p.year + "-" + p.month + "-" + p.day;
  }
  var chinaClock = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false });
  function datetime(s) {
    if (!s) return "";
    var d = new Date(s);
    return isNaN(d) ? String(s) : date(s) + " " + chinaClock.format(d);
  }
  function yuan(v) {
    if (v == null || v === "") return "—";
    var n = Number(v);
    return isNaN(n) ? String(v) : n.toLocaleString("zh-CN", { maximumFractionDigits: 2 }) + " 元";
  }
  function pct(v) { return v == null ? "—" : Math.round(Number(v) * 100) + "%"; }

  // deadlineBadge says how much time is left, colour-coded: overdue, due
  // within 3 days, or on track. Closed cases get no urgency.
  function deadlineBadge(deadline, open) {
    if (!deadline) return el("span", { class: "badge", text: "无期限" });
    var ms = new Date(deadline) - Date.now();
    var days = Math.ceil(ms / 86400000);
    if (open === false) return el("span", { class: "badge muted", text: "期限 " + date(deadline) });
    if (ms < 0) return el("span", { class: "badge overdue", title: "期限 " + datetime(deadline), text: "已超期 " + Math.max(1, -Math.floor(ms / 86400000)) + " 天" });
    if (days <= 3) return el("span", { class: "badge soon", title: "期限 " + datetime(deadline), text: days <= 1 ? "今天到期" : "剩 " + days + " 天" });
    return el("span", { class: "badge ok", title: "期限 " + datetime(deadline), text: "剩 " + days + " 天" });
  }

  var T = window.XB_TAXONOMY || {};
  function name(list, code) {
    var items = T[list] || [];
    for (var i = 0; i < items.length; i++) if (items[i].code === code) return items[i].name;
    return code || "";
  }
  function options(list, selected, blank) {
    var out = blank ? [el("option", { value: "", text: blank })] : [];
    (T[list] || []).forEach(function (c) { out.push(el("option", { value: c.code, selected: c.code === selected, text: c.name })); });
    return out;
  }

  // ---- page chrome ----
  var live = null;
  function announce(text) {
    if (!live) { live = el("div", { class: "sr", role: "status", "aria-live": "polite" }); document.body.appendChild(live); }
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 50);
  }

  function toast(text, kind) {
    var box = document.getElementById("toasts");
    if (!box) { box = el("div", { id: "toasts", role: "status", "aria-live": "polite" }); document.body.appendChild(box); }
    var t = el("div", { class: "toast " + (kind || "") , text: text });
    box.appendChild(t);
    setTimeout(function () { t.remove(); }, kind === "error" ? 8000 : 4000);
  }

  function fail(err) { toast((err && err.message) || "操作失败", "error"); }

  // boot signs in (a token pasted once per browser tab) and then calls
  // start(me) with the caller's name, role and scope. roles limits which
  // roles this page is for; admin always passes, as on the server.
  function boot(opts) {
    var app = document.getElementById("app");
    var who = document.getElementById("who");
    onUnauthenticated = function () { setToken(""); showSignIn("登录已失效，请重新输入令牌。"); };
    function showSignIn(msg) {
      if (who) who.replaceChildren();
      var input = el("input", { id: "token", type: "password", autocomplete: "off", required: true, spellcheck: "false", placeholder: "xb_…" });
      var err = el("p", { class: "error", role: "alert", text: msg || "" });
      var form = el("form", { class: "signin card", "aria-labelledby": "signin-h", onsubmit: function (e) {
        e.preventDefault();
        var t = input.value.trim();
        if (!t) return;
        setToken(t);
        check(function (m) { err.textContent = m; setToken(""); input.focus(); });
      } }, [
        el("h1", { id: "signin-h", text: opts.title + " · 登录" }),
        el("p", { class: "muted", text: "请输入管理员发给您的访问令牌（" + opts.roles.map(roleName).join("、") + "）。令牌只保存在本标签页，关闭即清除。" }),
        el("label", { for: "token", text: "访问令牌" }), input, err,
        el("button", { type: "submit", class: "primary", text: "登录" })
      ]);
      app.replaceChildren(form);
      input.focus();
    }
    function check(onErr) {
      api("GET", "/api/v1/me").then(function (me) {
        if (me.role !== "admin" && opts.roles.indexOf(me.role) < 0) {
          return onErr("这个令牌的角色是“" + roleName(me.role) + "”，不能使用" + opts.title + "。");
        }
        if (who) {
          who.replaceChildren(el("span", { text: me.name + "（" + roleName(me.role) + (me.institution ? " · " + me.institution : "") + "）" }),
            el("button", { type: "button", class: "link", text: "退出", onclick: function () { setToken(""); location.reload(); } }));
        }
        app.replaceChildren();
        opts.start(me);
      }, function (e) { onErr(e.status === 401 ? "令牌无效或已被吊销。" : e.message); });
    }
    if (token()) check(showSignIn); else showSignIn();
  }

  function roleName(r) { return { handler: "处理人员", staff: "知识库编辑", supervisor: "主管", admin: "管理员" }[r] || r; }

  // modal opens an accessible dialog with a form; resolve(values) on submit.
  function modal(title, fields, submitText, onSubmit) {
    var dlg = el("dialog", { class: "modal", "aria-labelledby": "modal-h" });
    var err = el("p", { class: "error", role: "alert" });
    var form = el("form", { method: "dialog", onsubmit: function (e) {
      e.preventDefault();
      var values = {};
      fields.forEach(function (f) { if (f.name) values[f.name] = f.input.type === "checkbox" ? f.input.checked : f.input.value; });
      btn.disabled = true;
      Promise.resolve(onSubmit(values)).then(function () { dlg.close(); dlg.remove(); },
        function (e2) { err.textContent = (e2 && e2.message) || "操作失败"; btn.disabled = false; });
    } });
    form.appendChild(el("h2", { id: "modal-h", text: title }));
    fields.forEach(function (f, i) {
      if (f.note) { form.appendChild(el("p", { class: "muted", text: f.note })); return; }
      var id = "mf" + i;
      f.input = f.options ? el("select", { id: id, required: f.required }, f.options)
        : f.multiline ? el("textarea", { id: id, rows: "5", required: f.required, maxlength: f.max || "5000" })
        : el("input", { id: id, type: f.type || "text", required: f.required, min: f.min, max: f.max });
      if (f.value != null) { if (f.input.type === "checkbox") f.input.checked = !!f.value; else f.input.value = f.value; }
      if (f.type === "checkbox") {
        form.appendChild(el("div", { class: "row check" }, [f.input, el("label", { for: id, text: f.label })]));
        return;
      }
      form.appendChild(el("label", { for: id, text: f.label }));
      form.appendChild(f.input);
    });
    var btn = el("button", { type: "submit", class: "primary", text: submitText });
    form.appendChild(err);
    form.appendChild(el("div", { class: "row end" }, [
      el("button", { type: "button", text: "取消", onclick: function () { dlg.close(); dlg.remove(); } }), btn]));
    dlg.appendChild(form);
    dlg.addEventListener("close", function () { dlg.remove(); });
    document.body.appendChild(dlg);
    dlg.showModal();
    var first = fields.filter(function (f) { return f.input; })[0];
    if (first) first.input.focus();
    return dlg;
  }

  // qs builds a query string from the non-empty values of obj.
  function qs(obj) {
    var p = new URLSearchParams();
    Object.keys(obj).forEach(function (k) { if (obj[k] !== "" && obj[k] != null && obj[k] !== false) p.set(k, obj[k]); });
    var s = p.toString();
    return s ? "?" + s : "";
  }

  return {
    el: el, api: api, upload: upload, stream: stream, boot: boot, modal: modal, toast: toast, fail: fail,
    announce: announce, date: date, datetime: datetime, yuan: yuan, pct: pct, deadlineBadge: deadlineBadge,
    name: name, options: options, qs: qs, roleName: roleName, token: token
  };
})();
