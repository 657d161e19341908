/**
 * The emulator's live page, served at `/` and `/_emulator/`: one self-contained HTML document (inline CSS and
 * script, nothing fetched from anywhere else) that draws every device of a hub as a card with the
 * notifications it received, the way its platform shows them, plus the last requests. It follows
 * `GET /_emulator/events` (Server-Sent Events) and polls the admin JSON endpoints when the stream fails.
 * The script and the style live in `page/`; this module inlines them, hashes them for the CSP and serves the page.
 *
 * Device names and payloads are whatever a client sent, so the script builds every node with
 * `createElement` and `textContent`, never from HTML strings, and parses XML payloads with `DOMParser` only to
 * read their text. The Content-Security-Policy backs that up: only this exact script and style may run (by
 * hash), nothing may load from elsewhere, and Trusted Types make any `innerHTML` assignment of a string throw.
 */
import { createHash } from "node:crypto";
import { SNAPSHOT_DELIVERIES_PER_DEVICE, SNAPSHOT_REQUESTS } from "./emulator-events";
import type { Reply } from "./emulator-http";
// The page's script and style are files of their own that the linter and the type checker see (the script is
// plain browser JavaScript, checked by src/page/tsconfig.json). Both arrive here as text: through Vite's `?raw`
// when tests run from source, through the raw-text plugin of tsup.config.ts in the build, so the published
// package reads no file at run time.
import STYLE_TEXT from "./page/live-page.css?raw";
import SCRIPT_BODY from "./page/live-page.js?raw";

/**
 * Inline text ends at the first `</script` or `</style` whatever its context, and `<!--` changes how a script
 * is parsed; neither may appear in the page's own code.
 */
function inlined(text: string, file: string): string {
  if (/<\/(?:script|style)|<!--/i.test(text))
    throw new Error(`${file} cannot be inlined: it contains </script, </style or <!--`);
  return text;
}

const STYLE = inlined(STYLE_TEXT, "live-page.css");

/** The page's script: its limits (see page/live-page-globals.d.ts), then the code of page/live-page.js. */
const SCRIPT = inlined(
  `var PER_DEVICE = ${SNAPSHOT_DELIVERIES_PER_DEVICE}, MAX_REQUESTS = ${SNAPSHOT_REQUESTS};\n${SCRIPT_BODY}`,
  "live-page.js",
);

const BODY = `<header class="top">
  <div class="brand"><span class="logo">nh</span><h1>nhub emulator</h1><span class="tagline">local Azure Notification Hubs, nothing leaves this machine</span></div>
  <label class="hubpick">hub <select id="hub" aria-label="hub"></select></label>
  <span id="status" class="conn" data-state="connecting" role="status" aria-live="polite">connecting…</span>
</header>
<main>
  <section aria-labelledby="devices-title">
    <h2 id="devices-title">Devices <span id="device-count" class="count"></span></h2>
    <p id="no-devices" class="empty" hidden>No devices on this hub yet. Register one with <code>PUT /{hub}/installations/{id}</code>, <code>POST /{hub}/registrations</code> or <code>POST /_emulator/hubs/{hub}/devices</code>.</p>
    <div id="devices" class="devices"></div>
  </section>
  <section class="requests-section" aria-labelledby="requests-title">
    <h2 id="requests-title">Last requests <span id="request-count" class="count"></span></h2>
    <div class="table-wrap">
      <table id="requests">
        <thead><tr><th>time</th><th>method</th><th>path</th><th>status</th><th>format</th><th>tags</th><th>fault</th></tr></thead>
        <tbody id="requests-body"></tbody>
      </table>
    </div>
  </section>
</main>
<footer>Live from <code>/_emulator/events</code>; JSON under <code>/_emulator/hubs</code>. A development tool: no TLS, no admin authentication.</footer>`;

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * The page's Content-Security-Policy. Inline code is allowed by hash rather than by nonce because the page
 * never changes while the process runs: a hash needs no per-request randomness and keeps the document
 * byte-for-byte cacheable. `connect-src 'self'` is all the script needs (the event stream and the admin
 * JSON); everything else is `'none'`, and Trusted Types refuse HTML strings in DOM sinks.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  // The favicon is a data: URL, so the browser asks the emulator for nothing but the page and its data.
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  // One policy, which only hands payload XML to DOMParser (an HTML sink under Trusted Types even for XML).
  "trusted-types nhub-xml",
].join("; ");

/** The whole page, built once. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>nhub emulator</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
${BODY}
<script>${SCRIPT}</script>
</body>
</html>
`;

/** The page's answer: the HTML with its CSP and headers that keep it out of frames and caches. */
export function pageReply(): Reply {
  return {
    status: 200,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": PAGE_CSP,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "no-referrer",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Resource-Policy": "same-origin",
    },
    body: PAGE_HTML,
  };
}
