/**
 * Profile names from a template (docs/sync.md "Names"), pure. Fields: {account_id}, {account_name},
 * {account_email}, {role_name}, {session_name}. Each field's value is sanitised so every reader takes
 * the name (the config layer's rule, src/config/edit.ts `checkName`): accents dropped, anything outside
 * letters, digits and `_-.@+` becomes the separator, runs collapse, no separator at the ends.
 */
import { checkName } from "../config/edit";
import { usageError } from "../errors";

export const TEMPLATE_FIELDS = [
  "account_id",
  "account_name",
  "account_email",
  "role_name",
  "session_name",
] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];
export type TemplateValues = Record<TemplateField, string>;

export const DEFAULT_TEMPLATE = "{account_name}-{role_name}";

export type TemplatePart = { literal: string } | { field: TemplateField };

export interface NameOptions {
  /** Lower-case the whole name. */
  lowerCase?: boolean;
  /** What replaces characters a name cannot hold (default "-"). */
  separator?: string;
}

/** Parse `--name`: literal text and `{field}`s. Unknown fields and stray braces are usage errors. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  const re = /\{([^{}]*)\}|([{}])|([^{}]+)/g;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m[3] !== undefined) parts.push({ literal: m[3] });
    else if (m[2] !== undefined)
      throw usageError(
        `The name template "${template}" has an unmatched "${m[2]}"`,
        `portico sync --name '${DEFAULT_TEMPLATE}'`,
      );
    else {
      const f = m[1]!.trim();
      if (!(TEMPLATE_FIELDS as readonly string[]).includes(f))
        throw usageError(
          `The name template "${template}" has an unknown field {${f}}; the fields are ${TEMPLATE_FIELDS.map((x) => `{${x}}`).join(", ")}`,
          `portico sync --name '${DEFAULT_TEMPLATE}'`,
        );
      parts.push({ field: f as TemplateField });
    }
  }
  if (!parts.some((p) => "field" in p))
    throw usageError(
      `The name template "${template}" has no field, so every profile would get the same name`,
      `portico sync --name '${DEFAULT_TEMPLATE}'`,
    );
  return parts;
}

/** One value made safe for a profile name (pure). */
/** Letters NFKD does not decompose into ASCII, spelled as they usually are in ASCII. */
const SPELLED: Record<string, string> = {
  æ: "ae",
  Æ: "AE",
  ø: "o",
  Ø: "O",
  œ: "oe",
  Œ: "OE",
  ß: "ss",
  đ: "d",
  Đ: "D",
  ł: "l",
  Ł: "L",
  þ: "th",
  Þ: "TH",
  ð: "d",
  Ð: "D",
  ı: "i",
};

const CLEAN = /^[A-Za-z0-9_.@+]+(?:-[A-Za-z0-9_.@+]+)*$/;
const UNSAFE = /[^A-Za-z0-9_.@+-]+/g;
const NON_ASCII = /[^\x00-\x7f]/;

export function sanitize(value: string, separator = "-"): string {
  // Fast path (most account and role names): nothing to change.
  if (separator === "-" && CLEAN.test(value)) return value;
  let plain = value;
  if (NON_ASCII.test(plain))
    plain = plain
      .replace(/[æÆøØœŒßđĐłŁþÞðÐı]/g, (c) => SPELLED[c] ?? c)
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "");
  let out = plain.replace(UNSAFE, separator);
  if (separator !== "") {
    const sep = separator.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    out = out
      .replace(new RegExp(`(?:${sep}){2,}`, "g"), separator)
      .replace(new RegExp(`^(?:${sep})+|(?:${sep})+$`, "g"), "");
  }
  return out;
}

/** The name for one account × role (before collision handling). */
export function renderName(
  parts: TemplatePart[],
  values: TemplateValues,
  options: NameOptions = {},
  /** Sanitised field values already computed with these options (one sync renders 21,000 names from
   * far fewer distinct account and role names). */
  memo?: Map<string, string>,
): string {
  const sep = options.separator ?? "-";
  const clean = (v: string): string => {
    if (memo === undefined) return sanitize(v, sep);
    let c = memo.get(v);
    if (c === undefined) {
      c = sanitize(v, sep);
      memo.set(v, c);
    }
    return c;
  };
  // Field values are sanitised one by one, then the whole (literal text may hold characters too).
  // A name with nothing left (e.g. only CJK letters) stands in as the account id.
  const field = (f: TemplateField) => {
    const v = clean(values[f]);
    return v === "" && f === "account_name" ? values.account_id : v;
  };
  let name = parts.map((p) => ("literal" in p ? p.literal : field(p.field))).join("");
  name = sanitize(name, sep).replace(/^-+/, "");
  if (options.lowerCase) name = name.toLowerCase();
  return name === "" ? values.account_id : name;
}

/** True when the config layer would write this name (src/config/edit.ts checkName). */
export function isWritableName(name: string): boolean {
  // "default" is the default profile's own name: never generated into a block.
  if (name === "default") return false;
  try {
    checkName("profile", name);
    return true;
  } catch {
    return false;
  }
}

/** Validate the separator itself: it must be a character names may hold. */
export function checkSeparator(separator: string): void {
  if (!/^[A-Za-z0-9_.@+-]{0,3}$/.test(separator))
    throw usageError(
      `--separator "${separator}" cannot be part of a profile name; use -, _ or .`,
      "portico sync --separator -",
    );
}
