/**
 * Python's `json.dumps` reproduced byte for byte for the shapes the AWS CLI caches (strings, numbers,
 * booleans, null, lists, objects): default separators `", "` / `": "`, `ensure_ascii=True`
 * (every code unit outside printable ASCII, DEL included, as lowercase `\uXXXX`), optional
 * `sort_keys`. Used for the cache files' bytes and for the cache-key hashes (§2.1–2.3).
 */
export type PyJson = string | number | boolean | null | PyJson[] | { [key: string]: PyJson | undefined };

export interface PyDumpsOptions {
  sortKeys?: boolean;
  /** [item separator, key separator]; Python's defaults are [", ", ": "]. */
  separators?: [string, string];
}

function pyString(s: string): string {
  // JSON.stringify already escapes `"`, `\`, control characters (\b \f \n \r \t or \u00xx, lowercase).
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
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
  const [item, key] = options.separators ?? [", ", ": "];
  const enc = (v: PyJson): string => {
    if (v === null) return "null";
    if (typeof v === "string") return pyString(v);
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new TypeError("non-finite number in pyDumps");
      return String(v);
    }
    if (Array.isArray(v)) return `[${v.map(enc).join(item)}]`;
    let keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (options.sortKeys) keys = keys.sort(byCodePoint);
    return `{${keys.map((k) => `${pyString(k)}${key}${enc(v[k] as PyJson)}`).join(item)}}`;
  };
  return enc(value);
}
