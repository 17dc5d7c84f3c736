/**
 * The page frame shared by every emulator page: header with the "portico emulator" brand and the
 * organisation name, the signed-in user with a sign-out button (a CSRF-protected POST form), and the
 * stylesheet inline, so pages work offline and without JavaScript.
 */
import { type HtmlValue, html, raw, type SafeHtml } from "./html";

export interface PageFrame {
  title: string;
  orgName: string;
  /** Signed-in user's display name and the session's CSRF token (for the sign-out form). */
  user?: { displayName: string; userName: string; csrf: string };
  /** Narrow single-card layout (sign-in, device, consent). */
  narrow?: boolean;
  body: HtmlValue;
}

const CSS = raw(`
:root{--ink:#16191f;--muted:#5f6b7a;--line:#d5dbdb;--bg:#f2f3f3;--card:#fff;--brand:#0b1f33;--accent:#0972d3;--accent-dark:#065299;--ok:#037f0c;--bad:#d91515;--warn:#8d6605;--code:#f4f4f4}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;font-family:"Amazon Ember","Helvetica Neue",Roboto,Arial,system-ui,sans-serif;color:var(--ink);background:var(--bg);line-height:1.45}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header.top{background:var(--brand);color:#fff;display:flex;align-items:center;gap:16px;padding:0 24px;height:52px}
.brand{display:flex;align-items:center;gap:10px;font-weight:700;letter-spacing:.2px;color:#fff}
.brand:hover{text-decoration:none}
.brand small{font-weight:400;color:#9fb3c8;font-size:12px;border:1px solid #35506b;border-radius:3px;padding:1px 6px;margin-left:2px}
.org{color:#c6d4e1;font-size:13px;border-left:1px solid #35506b;padding-left:16px}
.spacer{flex:1}
.who{display:flex;align-items:center;gap:12px;font-size:13px;color:#dfe7ef}
.who form{margin:0}
.linkbtn{background:none;border:1px solid #5b7896;color:#fff;border-radius:16px;padding:4px 12px;font:inherit;font-size:13px;cursor:pointer}
.linkbtn:hover{background:#1b3550}
main{max-width:1040px;margin:32px auto;padding:0 24px}
main.narrow{max-width:460px;margin-top:56px}
.card{background:var(--card);border-radius:12px;box-shadow:0 1px 1px #0000001f,0 0 1px 1px #0000000f;padding:28px 32px;margin-bottom:20px}
h1{font-size:24px;margin:0 0 6px;font-weight:700}
h2{font-size:18px;margin:24px 0 8px}
h3{font-size:15px;margin:18px 0 6px}
p{margin:8px 0}
.muted{color:var(--muted)}
.small{font-size:13px}
label{display:block;font-weight:700;font-size:14px;margin:16px 0 6px}
input[type=text],input[type=password]{width:100%;padding:9px 12px;border:2px solid #7d8998;border-radius:8px;font:inherit;background:#fff}
input:focus{outline:none;border-color:var(--accent);box-shadow:0 0 0 2px #0972d333}
input.code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:20px;letter-spacing:3px;text-transform:uppercase;text-align:center}
.btn{display:inline-block;border-radius:20px;padding:8px 20px;font:inherit;font-weight:700;cursor:pointer;border:2px solid var(--accent);background:var(--accent);color:#fff;text-align:center}
.btn:hover{background:var(--accent-dark);border-color:var(--accent-dark);text-decoration:none}
.btn.secondary{background:#fff;color:var(--accent)}
.btn.secondary:hover{background:#f1f8ff}
.btn.block{width:100%;margin-top:22px}
.actions{display:flex;gap:12px;margin-top:24px}
.actions form{flex:1;margin:0}.actions .btn{width:100%}
.alert{border-radius:8px;padding:10px 14px;margin:14px 0;border:1px solid}
.alert.error{background:#fff7f7;border-color:var(--bad);color:#7c0a0a}
.alert.ok{background:#f2fcf3;border-color:var(--ok);color:#03510a}
.alert.warn{background:#fffce9;border-color:var(--warn);color:#5c4300}
.codebox{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:24px;letter-spacing:4px;background:var(--code);border-radius:8px;padding:12px;text-align:center;margin:12px 0}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:6px 18px;margin:12px 0}
dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;word-break:break-all}
ul.scopes{padding-left:20px}
.icon{width:44px;height:44px;border-radius:10px;display:flex;align-items:center;justify-content:center;font-size:22px;margin-bottom:12px}
.icon.ok{background:#e9f7ea;color:var(--ok)}.icon.bad{background:#fdecec;color:var(--bad)}.icon.info{background:#e8f2fd;color:var(--accent)}
.search{display:flex;gap:10px;margin:12px 0 16px}.search input{flex:1}.search .btn{padding:6px 18px}
details.account{border:1px solid var(--line);border-radius:10px;margin:10px 0;background:#fff}
details.account>summary{list-style:none;cursor:pointer;padding:14px 18px;display:flex;align-items:center;gap:14px}
details.account>summary::-webkit-details-marker{display:none}
details.account>summary::before{content:"\\25B8";color:var(--muted);display:inline-block;width:10px}
details.account[open]>summary::before{transform:rotate(90deg)}
.acct-icon{width:34px;height:34px;border-radius:8px;background:#f29100;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700}
.acct-name{font-weight:700}
.acct-meta{color:var(--muted);font-size:13px}
.roles{border-top:1px solid var(--line);padding:6px 18px 10px 66px}
.role{display:flex;align-items:center;gap:16px;padding:10px 0;border-bottom:1px solid #eef0f0}
.role:last-child{border-bottom:0}
.role-name{flex:1;font-weight:600}
.role a{font-size:14px}
.sep{color:var(--line)}
pre{background:#232f3e;color:#e9eef3;border-radius:8px;padding:14px 16px;white-space:pre-wrap;word-break:break-all;font-size:13px;line-height:1.6;margin:8px 0 16px}
.opt{border:1px solid var(--line);border-radius:10px;padding:6px 20px 8px;margin:16px 0}
.opt h2{margin-top:14px}
.field{display:flex;flex-direction:column;margin:10px 0}
.field span{color:var(--muted);font-size:13px}
.field code{background:var(--code);padding:7px 10px;border-radius:6px;word-break:break-all;font-size:13px}
.badge{display:inline-block;font-size:12px;border-radius:10px;padding:1px 8px;background:#e8f2fd;color:var(--accent-dark);font-weight:700}
.console-hero{background:linear-gradient(135deg,#0b1f33,#17436b);color:#fff;border-radius:12px;padding:28px 32px;margin-bottom:20px}
.console-hero h1{color:#fff}
.console-hero .muted{color:#b7c8da}
footer{max-width:1040px;margin:0 auto 32px;padding:0 24px;color:var(--muted);font-size:12px}
main.narrow+footer{text-align:center}
dl.kv code{font-size:13px}
`);

const LOGO = raw(
  `<svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true"><path fill="#ff9900" d="M12 2 2 7v2h20V7z"/><path fill="#fff" d="M4 10h2.5v8H4zm4.5 0H11v8H8.5zm4.5 0h2.5v8H13zm4.5 0H20v8h-2.5zM2 19h20v3H2z"/></svg>`,
);

export function page(frame: PageFrame): SafeHtml {
  const who = frame.user
    ? html`<div class="who"><span title="${frame.user.userName}">${frame.user.displayName}</span>
        <form method="post" action="/signout"><input type="hidden" name="csrf" value="${frame.user.csrf}">
        <button class="linkbtn" type="submit">Sign out</button></form></div>`
    : "";
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${frame.title} | portico emulator</title><style>${CSS}</style></head>
<body><header class="top"><a class="brand" href="/start">${LOGO}portico emulator<small>IAM Identity Center</small></a>
<span class="org">${frame.orgName}</span><span class="spacer"></span>${who}</header>
<main class="${frame.narrow ? "narrow" : ""}">${frame.body}</main>
<footer>Local IAM Identity Center emulator — not connected to AWS. No real credentials are issued.</footer>
</body></html>`;
}

/** A simple centred message card (unknown code, expired, done, …). */
export function messageCard(kind: "ok" | "bad" | "info", heading: string, ...lines: HtmlValue[]): SafeHtml {
  const symbol = kind === "ok" ? "✓" : kind === "bad" ? "!" : "i";
  return html`<div class="card"><div class="icon ${kind}">${symbol}</div><h1>${heading}</h1>${lines.map(
    (l) => html`<p class="muted">${l}</p>`,
  )}</div>`;
}
