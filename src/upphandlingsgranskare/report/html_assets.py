"""The HTML report's stylesheet and script, inlined into each report (offline, under a strict CSP)."""

# Local fonts only: the report must look right offline, so no web fonts.
CSS = """
:root{--fg:#1d2430;--muted:#5b6472;--bg:#fff;--panel:#f5f7fa;--line:#d9dee5;--accent:#1f5fa8;
--error:#b3261e;--error-bg:#fdecea;--warning:#8a5a00;--warning-bg:#fff4d6;--info:#1d5f8a;--info-bg:#e6f2fb}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ee;--muted:#a5adb8;--bg:#14181e;--panel:#1d232b;
--line:#333b46;--accent:#7fb2ef;--error:#ff8a80;--error-bg:#3a1d1b;--warning:#f5c15c;--warning-bg:#3a2e12;
--info:#8cc8f2;--info-bg:#13283a}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);line-height:1.5;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans","Liberation Sans",Arial,sans-serif}
header.page,main,footer{max-width:72rem;margin:0 auto;padding:0 1.25rem}
header.page{padding-top:1.5rem}
h1{font-size:1.7rem;margin:0 0 .25rem}
h2{font-size:1.35rem;margin:2rem 0 .75rem;border-bottom:2px solid var(--line);padding-bottom:.25rem}
h3{font-size:1.15rem;margin:1.5rem 0 .5rem;overflow-wrap:anywhere}
h4{font-size:1rem;margin:1.25rem 0 .5rem;color:var(--muted)}
.muted,.meta{color:var(--muted)}
.figures{display:flex;flex-wrap:wrap;gap:.75rem;margin:0;padding:0}
.figures div{background:var(--panel);border:1px solid var(--line);border-radius:.5rem;padding:.5rem .9rem;min-width:9rem}
.figures dt{font-size:.8rem;color:var(--muted)}
.figures dd{margin:0;font-size:1.4rem;font-weight:600}
table{border-collapse:collapse;width:100%;margin:.75rem 0;font-size:.95rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:var(--panel)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{white-space:nowrap}
tfoot td{font-weight:600;border-top:2px solid var(--line)}
td.path{overflow-wrap:break-word;min-width:14rem}
details pre{white-space:pre-wrap;font-size:.85rem;background:var(--panel);padding:.75rem;border-radius:.4rem}
.filters{background:var(--panel);border:1px solid var(--line);border-radius:.5rem;padding:.5rem .9rem;
display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start;position:sticky;top:0;z-index:1}
.filters fieldset{border:0;margin:0;padding:0}
.filters legend{font-weight:600;font-size:.9rem;padding:0}
.filters label{margin-right:.75rem;white-space:nowrap}
.filters button{font:inherit;padding:.15rem .6rem;border:1px solid var(--line);border-radius:.3rem;
background:var(--bg);color:var(--fg);cursor:pointer}
.count{font-weight:600;margin:.5rem 0}
.card{border:1px solid var(--line);border-left:.35rem solid var(--line);border-radius:.4rem;
  padding:.6rem .9rem;margin:.6rem 0;background:var(--card,transparent)}
.card.sev-error{border-left-color:var(--error)}
.card.sev-warning{border-left-color:var(--warning)}
.card.sev-info{border-left-color:var(--info)}
.card .head{display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline}
.card .finding{border:0;border-top:1px solid var(--line);border-radius:0;margin:.4rem 0 0;padding:.4rem 0 0}
.finding{border:1px solid var(--line);border-left:.35rem solid var(--line);border-radius:.4rem;
padding:.6rem .9rem;margin:.6rem 0;background:var(--bg)}
.finding.sev-error{border-left-color:var(--error)}
.finding.sev-warning{border-left-color:var(--warning)}
.finding.sev-info{border-left-color:var(--info)}
.finding .head{display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline}
.badge{font-size:.78rem;font-weight:700;text-transform:uppercase;letter-spacing:.03em;padding:.05rem .45rem;border-radius:.3rem}
.badge.sev-error{color:var(--error);background:var(--error-bg)}
.badge.sev-warning{color:var(--warning);background:var(--warning-bg)}
.badge.sev-info{color:var(--info);background:var(--info-bg)}
.code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.88rem}
.req-id{font-weight:700}
.loc{color:var(--muted);font-size:.88rem;overflow-wrap:anywhere}
blockquote{margin:.5rem 0;padding:.35rem .8rem;border-left:3px solid var(--accent);background:var(--panel);
white-space:pre-wrap;overflow-wrap:anywhere}
.finding dl{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.2rem .9rem;margin:.4rem 0 0}
.finding dt{font-weight:600;color:var(--muted)}
.finding dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.error-list li{margin:.35rem 0;overflow-wrap:anywhere}
.error-text{color:var(--error)}
.outputs a{margin-right:.6rem}
a{color:var(--accent)}
[hidden]{display:none!important}
.matrix-wrap{overflow-x:auto}
table.matrix th.goal,table.matrix td.mark{text-align:center;white-space:nowrap}
table.matrix td.mark{font-size:1.05rem;color:var(--accent)}
table.matrix tr.unlinked td.req{color:var(--muted)}
table.matrix td.req{min-width:16rem}
dl.goal-list{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .9rem;margin:.5rem 0}
dl.goal-list dt{font-weight:600}
dl.goal-list dd{margin:0}
footer{margin-top:3rem;padding-bottom:2rem;font-size:.85rem;color:var(--muted)}
@media print{.filters{display:none}.card,.finding{break-inside:avoid}body{background:#fff;color:#000}}
""".strip()

# No document data in here: it reads data-* attributes only, so escaping the markup is all
# the protection the text needs.
JS = """
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var findings = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".group"));
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));
  var shownEl = document.getElementById("shown-count");
  var noMatch = document.getElementById("no-match");
  form.hidden = false;

  function chosen(name) {
    return boxes.filter(function (b) { return b.name === name && b.checked; })
                .map(function (b) { return b.value; });
  }
  function apply() {
    var codes = chosen("code"), severities = chosen("severity"), shown = 0;
    findings.forEach(function (el) {
      var visible = codes.indexOf(el.getAttribute("data-code")) >= 0 &&
                    severities.indexOf(el.getAttribute("data-severity")) >= 0;
      el.hidden = !visible;
      if (visible) { shown += 1; }
    });
    // Mirror the state into the markup, so a saved or printed page keeps the filter.
    boxes.forEach(function (b) { b.defaultChecked = b.checked; });
    // Hide sections and documents left empty, so no heading stands over nothing.
    groups.forEach(function (g) { g.hidden = !g.querySelector(".finding:not([hidden])"); });
    shownEl.textContent = String(shown);
    document.body.setAttribute("data-shown", String(shown));
    if (noMatch) { noMatch.hidden = shown > 0 || findings.length === 0; }
  }
  function readUrl() {
    var raw = (location.hash || "").replace(/^#/, "");
    if (raw.indexOf("=") < 0) { raw = (location.search || "").replace(/^\\?/, ""); }
    if (raw.indexOf("=") < 0) { return; }
    var params = new URLSearchParams(raw);
    ["code", "severity"].forEach(function (name) {
      if (!params.has(name)) { return; }
      var wanted = params.getAll(name).join(",").split(",").map(function (v) {
        return v.trim().toLowerCase();
      }).filter(function (v) { return v; });
      boxes.forEach(function (b) {
        if (b.name !== name) { return; }
        var alias = (b.getAttribute("data-name") || "").toLowerCase();
        b.checked = wanted.indexOf(b.value.toLowerCase()) >= 0 || (alias && wanted.indexOf(alias) >= 0);
      });
    });
  }
  function writeUrl() {
    var parts = [];
    ["code", "severity"].forEach(function (name) {
      var all = boxes.filter(function (b) { return b.name === name; });
      var on = chosen(name);
      if (on.length !== all.length) { parts.push(name + "=" + on.map(encodeURIComponent).join(",")); }
    });
    try {
      history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
    } catch (e) { /* some viewers forbid history on file: URLs; the filter still works */ }
  }
  form.addEventListener("change", function () { apply(); writeUrl(); });
  var reset = document.getElementById("show-all");
  if (reset) {
    reset.addEventListener("click", function () {
      boxes.forEach(function (b) { b.checked = true; });
      apply(); writeUrl();
    });
  }
  window.addEventListener("hashchange", function () { readUrl(); apply(); });
  readUrl();
  apply();
}());
""".strip()
