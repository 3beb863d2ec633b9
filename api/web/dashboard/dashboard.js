/* Supervisor dashboard: counts by product, reason, institution and flag
 * over time, deadline compliance, handling time and satisfaction, for a
 * date range, drawn with the vendored Apache ECharts. Each chart also has
 * its numbers as a table for screen readers and copying. */
(function () {
  "use strict";
  var el = XB.el;

  // The supervisor API (api/stats.go), in one place.
  var API = {
    stats: function (r) { return XB.api("GET", "/api/v1/stats" + XB.qs(r)); },
    series: function (r, by) { return XB.api("GET", "/api/v1/stats/timeseries" + XB.qs(Object.assign({ by: by }, r))); },
    csv: function (r) { return "/api/v1/stats/export.csv" + XB.qs(r); },
    statsCSV: function (r) { return "/api/v1/stats" + XB.qs(Object.assign({ format: "csv" }, r)); }
  };

  var charts = [];
  var ui = {};

  XB.boot({ title: "统计看板", roles: ["supervisor"], start: start });

  // Statistics count days in China time (the server's Asia/Shanghai), so
  // "today" is China's today wherever the browser is: a browser in UTC
  // after 16:00 would otherwise end the range a day early and miss the
  // cases filed since midnight in China. China has no daylight saving, so
  // n days ago is n × 24 hours ago.
  var chinaDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });
  function iso(d) {
    var p = {};
    chinaDay.formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    return p.year + "-" + p.month + "-" + p.day;
  }
  function daysAgo(n) { return iso(new Date(Date.now() - n * 86400000)); }

  function start() {
    var app = document.getElementById("app");
    ui.from = el("input", { id: "r-from", type: "date", value: daysAgo(29), required: true });
    ui.to = el("input", { id: "r-to", type: "date", value: iso(new Date()), required: true });
    var presets = [[6, "近 7 天"], [29, "近 30 天"], [89, "近 90 天"], [364, "近一年"]].map(function (p) {
      return el("button", { type: "button", text: p[1], onclick: function () { ui.from.value = daysAgo(p[0]); ui.to.value = iso(new Date()); load(); } });
    });
    ui.inst = el("input", { id: "r-inst", type: "search", placeholder: "全部机构", size: "14" });
    ui.err = el("p", { class: "error", role: "alert" });
    ui.kpis = el("div", { class: "kpis", "aria-live": "polite" });
    ui.grid = el("div", { class: "charts" });
    app.append(
      el("div", { class: "row" }, [el("h1", { class: "grow", text: "投诉统计" })]),
      el("form", { class: "filters card", "aria-label": "统计时间范围", onsubmit: function (e) { e.preventDefault(); load(); } }, [
        el("div", {}, [el("label", { for: "r-from", text: "开始日期" }), ui.from]),
        el("div", {}, [el("label", { for: "r-to", text: "结束日期" }), ui.to]),
        el("div", {}, [el("label", { for: "r-inst", text: "机构" }), ui.inst]),
        el("button", { type: "submit", class: "primary", text: "查询" })
      ].concat(presets).concat([
        el("button", { type: "button", id: "csv", text: "导出案件明细 CSV", onclick: function () { exportCSV(API.csv(range()), "xiaobao-cases"); } }),
        el("button", { type: "button", id: "csv-stats", text: "导出统计 CSV", onclick: function () { exportCSV(API.statsCSV(range()), "xiaobao-stats"); } })
      ])),
      ui.err, ui.kpis, ui.grid);
    load();
  }

  function range() { return { from: ui.from.value, to: ui.to.value, institution: ui.inst.value.trim() }; }

  function load() {
    var r = range();
    ui.err.textContent = "";
    if (r.from > r.to) { ui.err.textContent = "开始日期不能晚于结束日期。"; return; }
    var dims = ["product", "reason", "institution", "flag"];
    Promise.all([API.stats(r)].concat(dims.map(function (d) { return API.series(r, d).catch(none); }))).then(function (res) {
      render(res[0] || {}, res.slice(1));
    }, function (e) { ui.err.textContent = e.message; });
  }
  function none() { return null; }

  // counts normalises a breakdown to [{key, name, count}] whatever its
  // shape: an array of {key|code, count} or an object of key → count.
  function counts(v, list) {
    var out = [];
    if (Array.isArray(v)) v.forEach(function (x) { var k = x.key != null ? x.key : x.name; out.push({ key: k, name: x.name || (list ? XB.name(list, k) : k) || "（未填写）", count: Number(x.count || 0) }); });
    else if (v && typeof v === "object") Object.keys(v).forEach(function (k) { out.push({ key: k, name: list ? XB.name(list, k) : k, count: Number(v[k]) }); });
    return out.sort(function (a, b) { return b.count - a.count; });
  }

  function render(s, series) {
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    ui.grid.replaceChildren();
    var comp = s.compliance || {};
    var onTime = Number(comp.on_time || 0), overdue = Number(comp.overdue || 0), pending = Number(comp.open || 0);
    var judged = onTime + overdue;
    var rate = comp.compliance_rate != null ? comp.compliance_rate : judged ? onTime / judged : null;
    var sat = s.satisfaction || {};
    var hours = s.avg_handling_hours != null ? s.avg_handling_hours : s.avg_handling_time_hours;
    ui.kpis.replaceChildren(
      kpi(String(s.total != null ? s.total : sum(counts(s.by_product))), "案件总数"),
      kpi(rate != null ? Math.round(rate * 1000) / 10 + "%" : "—", "按时处理率（按时 " + onTime + "，超期 " + overdue + "）"),
      kpi(hours != null ? fmtHours(hours) : "—", "平均处理时长"),
      kpi(sat.average != null || sat.avg != null ? Number(sat.average != null ? sat.average : sat.avg).toFixed(2) + " / 5" : "—", "满意度（" + (sat.count || 0) + " 份评价）")
    );
    bar("按业务类别", counts(s.by_product, "products"));
    bar("按投诉原因", counts(s.by_reason, "reasons"));
    bar("按被投诉机构（前 15）", counts(s.by_institution).slice(0, 15));
    bar("按标记", counts(s.by_flag, "flags"));
    daily("每日受理、办结与超期", s.daily || []);
    pie("处理时限合规", [{ name: "按时作出决定", value: onTime }, { name: "超期（含未决超期）", value: overdue }, { name: "处理中未超期", value: pending }].filter(function (x) { return x.value > 0; }));
    [["按业务类别", "products"], ["按投诉原因", "reasons"], ["按机构（前 10）", null], ["按标记", "flags"]].forEach(function (d, i) {
      if (series[i]) line("趋势：" + d[0], series[i], d[1], d[1] ? 0 : 10);
    });
    var dist = sat.distribution || sat.dist || {};
    bar("满意度分布", [1, 2, 3, 4, 5].map(function (n) { return { key: n, name: n + " 分", count: Number(dist[n] || dist[String(n)] || 0) }; }), true);
    if (s.by_channel) bar("按渠道", counts(s.by_channel).map(function (c) { c.name = { chat: "在线对话", api: "接口" }[c.key] || c.name; return c; }));
    var byProductHours = counts(s.avg_handling_hours_by_product, "products");
    if (byProductHours.length) bar("平均处理时长（小时，按业务类别）", byProductHours);
  }

  function sum(list) { return list.reduce(function (a, b) { return a + b.count; }, 0); }
  function fmtHours(h) { h = Number(h); return h >= 48 ? (h / 24).toFixed(1) + " 天" : h.toFixed(1) + " 小时"; }
  function kpi(num, label) { return el("div", { class: "card kpi" }, [el("div", { class: "num", text: num }), el("div", { class: "lbl", text: label })]); }

  // panel makes a chart card with its data table; chart options are shared.
  function panel(title, rows, headers) {
    var box = el("div", { class: "chart", role: "img", "aria-label": title });
    var table = el("table", {}, [el("thead", {}, [el("tr", {}, headers.map(function (h) { return el("th", { scope: "col", text: h }); }))]),
      el("tbody", {}, rows.map(function (r) { return el("tr", {}, r.map(function (c) { return el("td", { text: String(c) }); })); }))]);
    ui.grid.appendChild(el("section", { class: "card", "aria-label": title }, [el("h2", { text: title }), box,
      el("details", {}, [el("summary", { text: "数据表" }), el("div", { class: "scroll" }, [table])])]));
    if (!rows.length) { box.replaceChildren(el("p", { class: "empty", text: "这段时间没有数据。" })); return null; }
    var c = echarts.init(box, null, { renderer: "canvas" });
    charts.push(c);
    // The grid reflows as cards are added and the window changes: follow it.
    if (window.ResizeObserver) new ResizeObserver(function () { if (!c.isDisposed()) c.resize(); }).observe(box);
    return c;
  }

  var base = {
    aria: { enabled: true },
    // richText tooltips are drawn on the canvas: no HTML, so institution
    // names typed by consumers can never become markup here either.
    tooltip: { trigger: "item", renderMode: "richText" },
    textStyle: { fontFamily: "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif" },
    color: ["#0b5cad", "#d9730d", "#2e7d32", "#b3141a", "#6a3d9a", "#00838f", "#8d6e00", "#c2185b", "#455a64", "#5d4037", "#1565c0"]
  };

  function bar(title, items, vertical) {
    var c = panel(title, items.map(function (i) { return [i.name, i.count]; }), ["项目", "数量"]);
    if (!c) return;
    var names = items.map(function (i) { return i.name; }), values = items.map(function (i) { return i.count; });
    c.setOption(Object.assign({}, base, {
      grid: { left: vertical ? 40 : 130, right: 30, top: 10, bottom: 30 },
      xAxis: vertical ? { type: "category", data: names } : { type: "value", minInterval: 1 },
      yAxis: vertical ? { type: "value", minInterval: 1 } : { type: "category", data: names.slice().reverse(), axisLabel: { width: 120, overflow: "truncate" } },
      series: [{ type: "bar", data: vertical ? values : values.slice().reverse(), label: { show: true, position: vertical ? "top" : "right" } }]
    }));
  }

  function pie(title, items) {
    var c = panel(title, items.map(function (i) { return [i.name, i.value]; }), ["项目", "数量"]);
    if (!c) return;
    c.setOption(Object.assign({}, base, {
      color: ["#2e7d32", "#b3141a", "#8a919c"],
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["40%", "70%"], data: items, label: { formatter: "{b}\n{c}（{d}%）" } }]
    }));
  }

  // daily draws the per-day counts of filed, decided and late cases.
  function daily(title, days) {
    var rows = days.map(function (d) { return [d.day, d.filed, d.decided, d.late]; });
    var c = panel(title, rows.filter(function (r) { return r[1] || r[2] || r[3]; }), ["日期", "受理", "作出决定", "超期"]);
    if (!c) return;
    c.setOption(Object.assign({}, base, {
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 20, top: 10, bottom: 50 },
      xAxis: { type: "category", data: days.map(function (d) { return d.day; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [["受理", "filed", "#0b5cad"], ["作出决定", "decided", "#2e7d32"], ["超期", "late", "#b3141a"]].map(function (x) {
        return { name: x[0], type: x[1] === "filed" ? "bar" : "line", color: x[2], data: days.map(function (d) { return d[x[1]] || 0; }) };
      })
    }));
  }

  // line draws a time series: {buckets:[date…], series:[{key, name, total, counts:[…]}]};
  // top keeps only the largest lines (institutions are many).
  function line(title, res, list, top) {
    var buckets = res.buckets || [];
    var lines = (res.series || []).slice().sort(function (a, b) { return (b.total || 0) - (a.total || 0); });
    if (top) lines = lines.slice(0, top);
    var series = lines.map(function (s) { return { name: s.name || (list ? XB.name(list, s.key) : s.key), data: (s.counts || []).map(Number) }; });
    var rows = [];
    buckets.forEach(function (b, i) { series.forEach(function (s) { if (s.data[i]) rows.push([XB.date(b), s.name, s.data[i]]); }); });
    var c = panel(title, rows, ["日期", "类别", "数量"]);
    if (!c) return;
    c.setOption(Object.assign({}, base, {
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 40, right: 20, top: 10, bottom: 50 },
      xAxis: { type: "category", data: buckets.map(XB.date) },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map(function (s) { return { name: s.name, type: "line", data: s.data }; })
    }));
  }

  // exportCSV downloads the export with the bearer token (a plain link
  // cannot carry it, and tokens never go into URLs).
  function exportCSV(url, name) {
    var r = range();
    fetch(url, { headers: { Authorization: "Bearer " + XB.token() }, cache: "no-store" }).then(function (res) {
      if (!res.ok) throw new Error("导出失败（" + res.status + "）");
      return res.blob();
    }).then(function (blob) {
      var a = el("a", { href: URL.createObjectURL(blob), download: name + "-" + r.from + "-" + r.to + ".csv" });
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
    }).catch(XB.fail);
  }
})();
