/**
 * Python's `json.dumps` byte for byte, for every file and output the AWS CLI writes with it: the token
 * and client-registration caches and their key hashes (docs/reference.md §2.1–2.2), the role-credential
 * cache and its keys (§2.3), and `configure export-credentials` (§9.3). What differs from
 * JSON.stringify: `ensure_ascii` escapes every character outside U+0020–U+007E (DEL included, astral
 * characters as surrogate pairs) as lowercase `\uXXXX`; separators are configurable (`", "` / `": "` by
 * default, `","` / `": "` with an indent); `sort_keys` orders by code point; `undefined` members are left
 * out (as if absent).
 */
export type PyJson = string | number | boolean | null | PyJson[] | { [key: string]: PyJson | undefined };
/** Kept for callers that name it so. */
export type PyJsonValue = PyJson;

export interface PyDumpsOptions {
  /** Python `sort_keys=True`: keys ordered by code point. */
  sortKeys?: boolean;
  /** Python `indent`; undefined = single line. */
  indent?: number;
  /** Python `separators=(item, key)`; default `(", ", ": ")`, or `(",", ": ")` when indent is set. */
  separators?: [string, string];
}

/** A string as Python's `json.dumps` (ensure_ascii=True) renders it. */
export function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Python sorts str keys by code point (JS `<` compares UTF-16 units: astral vs U+E000.. differ). */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

export function pyDumps(value: PyJson, options: PyDumpsOptions = {}): string {
  const indent = options.indent;
  const [itemSep, keySep] = options.separators ?? (indent === undefined ? [", ", ": "] : [",", ": "]);
  const render = (v: PyJson, depth: number): string => {
    if (v === null) return "null";
    if (typeof v === "string") return pyJsonString(v);
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new TypeError("pyDumps: non-finite number");
      return String(v);
    }
    let parts: string[];
    if (Array.isArray(v)) parts = v.map((x) => render(x, depth + 1));
    else {
      const keys = Object.keys(v).filter((k) => v[k] !== undefined);
      if (options.sortKeys) keys.sort(byCodePoint);
      parts = keys.map((k) => `${pyJsonString(k)}${keySep}${render(v[k] as PyJson, depth + 1)}`);
    }
    const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
    if (parts.length === 0) return `${open}${close}`;
    if (indent === undefined) return `${open}${parts.join(itemSep)}${close}`;
    const pad = `\n${" ".repeat(indent * (depth + 1))}`;
    return `${open}${pad}${parts.join(itemSep + pad)}\n${" ".repeat(indent * depth)}${close}`;
  };
  return render(value, 0);
}
