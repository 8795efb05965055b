/** The dashboard's stylesheet, inlined into each page (small, and nothing to fetch). */
export const STYLE = `
:root{--bg:#f5f6f8;--card:#fff;--ink:#1d2330;--muted:#667085;--line:#e3e6eb;--accent:#3b5bdb;--accent-ink:#fff;
--q:#868e96;--r:#1c7ed6;--s:#2b8a3e;--f:#c92a2a;--c:#e67700;--code:#f1f3f5;color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Ubuntu,sans-serif;background:var(--bg);color:var(--ink)}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #ffd43b;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px 10px;z-index:9}
header.top{background:#1d2330;color:#fff;display:flex;align-items:center;gap:24px;padding:0 20px;flex-wrap:wrap}
header.top .brand{font-weight:700;letter-spacing:.2px;padding:12px 0;color:#fff;text-decoration:none}
header.top .brand span{color:#91a7ff}
header.top nav{display:flex;gap:2px;flex-wrap:wrap}
header.top nav a{color:#ced4da;text-decoration:none;padding:14px 12px;border-bottom:3px solid transparent}
header.top nav a:hover{color:#fff}
header.top nav a[aria-current=page]{color:#fff;border-bottom-color:#91a7ff}
header.top .live{margin-left:auto;font-size:12px;color:#adb5bd}
html[data-live=connected] header.top .live .dot{background:#51cf66}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:#868e96;margin-right:6px}
main{padding:20px;max-width:1400px;margin:0 auto}
h1{font-size:22px;margin:0 0 16px}
h1 small{font-weight:400;color:var(--muted);font-size:14px;margin-left:8px}
h2{font-size:15px;margin:0 0 12px}
h3{font-size:12px;margin:10px 0 2px;font-weight:600}
summary .badge{margin-left:8px}
.split{display:grid;grid-template-columns:minmax(320px,2fr) 3fr;gap:16px;align-items:start}
@media (max-width:900px){.split{grid-template-columns:1fr}}
html:not([data-live]) header.top .live{visibility:hidden}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:16px;align-items:start}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px;min-width:0}
.card.wide{grid-column:1/-1}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.3px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr:last-child td{border-bottom:0}
code,pre{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:var(--code);padding:10px;border-radius:6px;overflow:auto;max-height:360px;margin:6px 0}
.muted{color:var(--muted)}
.badge{display:inline-flex;align-items:center;gap:6px;border-radius:999px;padding:1px 9px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.badge .word{background:rgba(255,255,255,.22);border-radius:4px;padding:0 5px;color:#fff;font-size:11px}
.phase-queued{background:var(--q)}.phase-running{background:var(--r)}.phase-succeeded{background:var(--s)}
.phase-failed{background:var(--f)}.phase-canceled{background:var(--c)}
.status-2{color:var(--s)}.status-3{color:#1c7ed6}.status-4{color:var(--c)}.status-5{color:var(--f)}
.counts{display:flex;gap:8px;flex-wrap:wrap}
.count{border:1px solid var(--line);border-radius:8px;padding:6px 10px;min-width:82px}
.count b{display:block;font-size:18px;font-variant-numeric:tabular-nums}
.count span{font-size:12px;color:var(--muted)}
.big{font-size:24px;font-weight:700;font-variant-numeric:tabular-nums}
.thumbs{display:flex;gap:6px;flex-wrap:wrap}
.thumb{display:inline-block;line-height:0;border-radius:6px;overflow:hidden;border:1px solid var(--line);background:#e9ecef}
.thumb img{object-fit:cover}
.thumb:hover{border-color:var(--accent)}
.results{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
.results figure{margin:0}.results figcaption{font-size:12px;color:var(--muted);margin-top:4px}
.results .thumb img{width:100%;height:auto;aspect-ratio:1/1;object-fit:contain;background:#f1f3f5}
form.inline{display:flex;gap:8px;align-items:end;flex-wrap:wrap;margin-top:12px}
form .field{display:flex;flex-direction:column;gap:3px}
label{font-size:12px;color:var(--muted);font-weight:600}
input,select,textarea{font:inherit;padding:6px 8px;border:1px solid #ced4da;border-radius:6px;background:#fff;color:var(--ink)}
textarea{width:100%;font:12px/1.45 ui-monospace,monospace}
button{font:inherit;font-weight:600;padding:6px 12px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-ink);cursor:pointer}
button.secondary{background:#fff;color:var(--accent)}
button.danger{background:#fff;color:var(--f);border-color:var(--f)}
button:disabled{opacity:.5;cursor:not-allowed}
.form-status{font-size:12px;color:var(--s);min-height:1em}
.form-status.error{color:var(--f);font-weight:600}
.pager{display:flex;gap:12px;align-items:center;margin-top:10px;font-size:13px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}
.timeline{list-style:none;padding:0 0 0 14px;margin:0;border-left:2px solid var(--line)}
.timeline li{display:flex;align-items:center;gap:12px;padding:5px 0;position:relative}
.timeline li::before{content:"";position:absolute;left:-20px;width:10px;height:10px;border-radius:50%;background:var(--line)}
.timeline time{font-variant-numeric:tabular-nums;color:var(--muted);min-width:96px}
details summary{cursor:pointer}
.rowimg{max-width:96px;max-height:96px;border-radius:4px;border:1px solid var(--line);margin:2px}
.filters{display:flex;gap:8px;flex-wrap:wrap;align-items:end;margin-bottom:12px}
.breakdown td.formula{font-size:12px;color:var(--muted)}
.progress{height:6px;background:#e9ecef;border-radius:3px;overflow:hidden;width:100px;display:inline-block;vertical-align:middle}
.progress i{display:block;height:100%;background:var(--r)}
.empty{color:var(--muted);font-style:italic}
`;
