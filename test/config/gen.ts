/** fast-check generators of config-file text mixing valid and invalid constructs (for differential tests). */
import fc from "fast-check";

const indent = fc.constantFrom("", "", "", "", " ", "  ", "\t", "    ");
const ws = fc.constantFrom("", " ", " ", "  ", "\t");
const eol = fc.constantFrom("\n", "\n", "\n", "\n", "\r\n", "\r");

const sectionName = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom("default", "profile dev", "profile prod", "sso-session s", "services svc"),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "DEFAULT",
      "profile default",
      'profile "my dev"',
      "profile 'q'",
      "profile   dev",
      "profiles dev",
      "profile a b",
      "profiledev",
      'profile "open',
      "profile",
      " default ",
      "Default",
      "profile X",
      "sso-session",
      "services  x",
      "foo bar",
      "profile.dev",
      "profile __proto__",
      "]",
      "a]b",
      "profile x\\",
      "profile ''",
      "profile\tdev",
      "\tprofile dev ",
      "sso-session \t s",
    ),
  },
  {
    weight: 1,
    arbitrary: fc.string({
      minLength: 1,
      maxLength: 6,
      unit: fc.constantFrom("a", "b", " ", '"', "'", "\\", "#", "=", "é", "\t"),
    }),
  },
);

const key = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("region", "output", "sso_session", "s3", "k", "x") },
  {
    weight: 2,
    arbitrary: fc.constantFrom("Region", "REGION", "my key", "k.y", "ünï", "1", "__proto__", "[k"),
  },
  { weight: 1, arbitrary: fc.constantFrom("", "#k", ";k") },
);

const valueChar = fc.constantFrom(
  "a",
  "b",
  "1",
  " ",
  " ",
  "#",
  ";",
  "=",
  ":",
  '"',
  "%",
  "é",
  "日",
  "\t",
  "\u00a0",
  "\u000b",
  "\u000c",
  "\u001c",
  "\u0085",
  "\u2028",
  "\u3000",
  "\ufeff",
  "[",
  "]",
  "𝄞",
);
const value = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom("us-east-1", "json", "a # c", "x;y", "x ;y", "http://h:1", "") },
  { weight: 3, arbitrary: fc.string({ maxLength: 8, unit: valueChar }) },
);

const line: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(indent, sectionName, ws).map(([i, n, t]) => `${i}[${n}]${t}`) },
  {
    weight: 10,
    arbitrary: fc
      .tuple(indent, key, ws, fc.constantFrom("=", "=", "=", ":"), ws, value, ws)
      .map(([i, k, a, d, b, v, t]) => `${i}${k}${a}${d}${b}${v}${t}`),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom("  ", "    ", "\t", "      "), key, ws, value)
      .map(([i, k, a, v]) => `${i}${k} =${a}${v}`),
  },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("  ", "    ", "\t"), value).map(([i, v]) => `${i}${v}`) },
  { weight: 2, arbitrary: fc.constantFrom("", "", "  ", "\t") },
  {
    weight: 2,
    arbitrary: fc.tuple(indent, fc.constantFrom("#", ";"), value).map(([i, c, v]) => `${i}${c}${v}`),
  },
  { weight: 1, arbitrary: fc.constantFrom("novalue", "= x", "[", "[]", "  [x]", "\ufeff[default]", "k =") },
);

/** A whole file: lines with mixed line endings, sometimes without a final newline, rarely a BOM. */
export const configText: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(sectionName, { freq: 6 }),
    fc.array(fc.tuple(line, eol), { maxLength: 25 }),
    fc.boolean(),
    fc.integer({ min: 0, max: 40 }),
  )
  .map(([first, lines, finalEol, bom]) => {
    let text = (first === null ? "" : `[${first}]\n`) + lines.map(([l, e]) => l + e).join("");
    if (!finalEol) text = text.replace(/(\r\n|\r|\n)$/, "");
    if (bom === 0) text = `\ufeff${text}`;
    return text;
  });

/** A mostly-valid file: starts with a section and uses unique, well-formed sections and keys. */
export const validConfigText: fc.Arbitrary<string> = fc
  .tuple(
    fc.uniqueArray(
      fc.constantFrom(
        "default",
        "profile dev",
        "profile prod",
        "sso-session s",
        "services svc",
        "DEFAULT",
        'profile "my dev"',
        "other",
      ),
      {
        minLength: 1,
        maxLength: 5,
      },
    ),
    fc.array(
      fc.tuple(
        indent,
        fc.uniqueArray(fc.constantFrom("region", "output", "Sso_Session", "k", "x"), { maxLength: 4 }),
        value,
        fc.constantFrom(0, 0, 1, 2),
        fc.constantFrom("", "# c", "  ", "s3 =|    addressing_style = path|    x = 1", "t =|  more|  lines"),
        fc.constantFrom("", "", "", " ", "  ", "\t"),
      ),
      {
        minLength: 5,
        maxLength: 5,
      },
    ),
    eol,
    fc.boolean(),
  )
  .map(([names, bodies, e, finalEol]) => {
    const out: string[] = [];
    names.forEach((n, i) => {
      const [ind, keys, v, gap, extra, headerIndent] = bodies[i]!;
      for (let g = 0; g < gap; g++) out.push("");
      out.push(`${headerIndent}[${n}]`);
      for (const k of keys) out.push(`${ind}${k} = ${v}`);
      if (extra) out.push(...extra.split("|").map((l) => (l.startsWith(" ") ? l : `${ind}${l}`)));
    });
    let text = out.join(e) + e;
    if (!finalEol) text = text.slice(0, -e.length);
    return text;
  });
