/**
 * Untrusted text to a terminal (docs/security.md "Terminal output"). Account names, role names, user
 * codes, service messages and callback parameters come from a server; printed raw, an ESC/CSI/OSC
 * sequence in them can clear the screen, retitle the window, hide text, plant an OSC 8 link, or make
 * a "\r" overwrite what was printed before; a bidi override can make text read differently from its
 * bytes. `terminalSafe` turns every such character into a visible escape (`\x1b`, `\u202e`), so the
 * text stays recognisable and nothing in it is acted on. Pure and dependency-free: it runs on the
 * start-up path.
 *
 * Escaped: C0 controls (U+0000–U+001F, so ESC, BEL, BS, CR, LF, TAB), DEL and the C1 controls
 * (U+007F–U+009F, so the 8-bit CSI U+009B), the bidirectional controls (U+061C, U+200E, U+200F,
 * U+202A–U+202E, U+2066–U+2069), the line/paragraph separators U+2028/U+2029, and lone UTF-16
 * surrogates. With `{ newlines: true }` a "\n" is kept (multi-line messages), nothing else.
 */

const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const escaped = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
};

/** `s` with every control, bidi and separator character shown as an escape (see module comment). */
export function terminalSafe(s: string, opts: { newlines?: boolean } = {}): string {
  if (typeof s !== "string") s = String(s);
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(s)) return s;
  return s.replace(UNSAFE, (c) => (opts.newlines && c === "\n" ? c : escaped(c)));
}
