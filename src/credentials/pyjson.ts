/**
 * Python `json.dumps` byte for byte, for the files and outputs the AWS CLI writes with it
 * (aws-reference.md §2.3 cache keys and cache files, §9.3 export-credentials).
 * Differences from JSON.stringify that matter: `ensure_ascii` escapes every character outside
 * U+0020–U+007E (DEL included, astral characters as surrogate pairs) as lowercase `\uXXXX`, and the
 * separators are configurable (`", "` / `": "` by default).
 */

export type PyJsonValue = string | number | boolean | null | PyJsonValue[] | { [key: string]: PyJsonValue };

export interface PyDumpsOptions {
  /** Python `sort_keys=True` (code-unit order, which equals Python's code-point order for BMP keys). */
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

export function pyDumps(value: PyJsonValue, options: PyDumpsOptions = {}): string {
  const indent = options.indent;
  const [itemSep, keySep] = options.separators ?? (indent === undefined ? [", ", ": "] : [",", ": "]);
  const render = (v: PyJsonValue, depth: number): string => {
    if (v === null) return "null";
    if (typeof v === "string") return pyJsonString(v);
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new TypeError("pyDumps: non-finite number");
      return String(v);
    }
    const open = Array.isArray(v) ? "[" : "{";
    const close = Array.isArray(v) ? "]" : "}";
    const parts = Array.isArray(v)
      ? v.map((x) => render(x, depth + 1))
      : (options.sortKeys ? Object.keys(v).sort() : Object.keys(v)).map(
          (k) => `${pyJsonString(k)}${keySep}${render(v[k] as PyJsonValue, depth + 1)}`,
        );
    if (parts.length === 0) return `${open}${close}`;
    if (indent === undefined) return `${open}${parts.join(itemSep)}${close}`;
    const pad = "\n" + " ".repeat(indent * (depth + 1));
    return `${open}${pad}${parts.join(itemSep + pad)}\n${" ".repeat(indent * depth)}${close}`;
  };
  return render(value, 0);
}
