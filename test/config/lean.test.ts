/**
 * The lean read and write structures (docs/benchmarks.md "Huge files", "Sync"): the lazily built maps
 * behave as the eager Maps they replace, and a managed block spliced into the document's text gives
 * the bytes the line-by-line edit gave (an oracle kept here: the previous algorithm, on lines).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LazyMap, parseConfigText } from "../../src/config/botocore";
import { ConfigDocument } from "../../src/config/document";
import { type Eol, scan, splitLines } from "../../src/config/scan";

/** The previous replaceManagedBlock, on lines and breaks (text in, text out; undefined: unchanged). */
function oracle(text: string, id: string, body: string[]): string | undefined {
  const { texts, eols } = splitLines(text);
  const begin = `# >>> portico managed: ${id}`;
  const end = `# <<< portico managed: ${id}`;
  const eol: Eol = eols.find((e) => e !== "") ?? "\n";
  const b = texts.findIndex((t) => t.trim() === begin);
  const e = b === -1 ? -1 : texts.findIndex((t, i) => i > b && t.trim() === end);
  if (b !== -1 && e !== -1) {
    const current = texts.slice(b + 1, e);
    if (current.length === body.length && current.every((t, i) => t === body[i])) return undefined;
    texts.splice(b + 1, e - b - 1, ...body);
    eols.splice(b + 1, e - b - 1, ...body.map(() => eol));
  } else {
    // appendBlock: the file's gap before its last section, less the blank lines already at the end.
    const s = scan(text);
    const kinds = s.kinds;
    let gap = 0;
    if (s.sections.length >= 2) {
      let i = s.sections.at(-1)!.line - 1;
      while (i >= 0 && kinds[i] === "comment") i--;
      while (i >= 0 && kinds[i] === "blank") {
        gap++;
        i--;
      }
    }
    let trailing = 0;
    for (let i = texts.length - 1; i >= 0 && kinds[i] === "blank"; i--) trailing++;
    const noFinal = eols.length > 0 && eols.at(-1) === "";
    if (noFinal) eols[eols.length - 1] = eol;
    const add = [...Array(Math.max(0, gap - trailing)).fill(""), begin, ...body, end];
    for (const t of add) {
      texts.push(t);
      eols.push(eol);
    }
    if (noFinal) eols[eols.length - 1] = "";
  }
  return texts.map((t, i) => t + eols[i]).join("");
}

describe("a managed block spliced into the text", () => {
  const id = "sso-session acme https://x";
  const line = fc.constantFrom(
    "[profile a]",
    "[sso-session acme]",
    "region = x",
    "",
    "# c",
    `# >>> portico managed: ${id}`,
    `  # <<< portico managed: ${id}  `,
    `# <<< portico managed: ${id}`,
    "x # >>> portico managed: sso-session acme https://x",
    "  indented = 1",
  );
  const eolArb = fc.constantFrom("\n", "\r\n", "\r");
  const text = fc
    .array(fc.tuple(line, eolArb), { maxLength: 14 })
    .chain((ls) =>
      fc.boolean().map((final) => ls.map(([l, e], i) => l + (i < ls.length - 1 || final ? e : "")).join("")),
    );
  const body = fc.array(fc.constantFrom("[profile g]", "sso_session = acme", "", "# note"), { maxLength: 6 });
  it("gives the bytes of the line-by-line edit (mixed breaks, no final newline, markers in odd places)", () => {
    fc.assert(
      fc.property(text, body, (t, b) => {
        const doc = ConfigDocument.parse(t);
        const changed = doc.replaceManagedBlock(id, b);
        const want = oracle(t, id, b);
        expect(changed).toBe(want !== undefined);
        expect(doc.toString()).toBe(want ?? t);
        // Written once, the same block is no change (in a file without stray markers).
        if (!t.includes("portico managed")) {
          const again = ConfigDocument.parse(doc.toString());
          expect(again.replaceManagedBlock(id, b)).toBe(false);
          // A line edit after the splice works on the new text.
          doc.set("profile new", "region", "r");
          expect(doc.toString()).toContain("[profile new]");
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("LazyMap", () => {
  it("is the Map it stands for: order, has, size, get, iteration, set, delete", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c", "d", "e"), { maxLength: 12 }), (keys) => {
        let made = 0;
        const lazy = new LazyMap<{ k: string; hint: number }>((k, hint) => {
          made++;
          return { k, hint };
        });
        const eager = new Map<string, { k: string; hint: number }>();
        keys.forEach((k, i) => {
          lazy.later(k, i);
          eager.set(k, { k, hint: i });
        });
        expect([...lazy.keys()]).toEqual([...eager.keys()]);
        expect(lazy.size).toBe(eager.size);
        expect(made).toBe(0);
        if (keys.length > 0) {
          expect(lazy.get(keys[0]!)).toEqual(eager.get(keys[0]!));
          expect(lazy.get(keys[0]!)).toBe(lazy.get(keys[0]!));
        }
        expect(lazy.get("zz")).toBeUndefined();
        expect([...lazy]).toEqual([...eager]);
        expect(lazy instanceof Map).toBe(true);
        expect(new Map(lazy)).toEqual(eager);
        lazy.delete("a");
        eager.delete("a");
        lazy.set("f", { k: "f", hint: -1 });
        eager.set("f", { k: "f", hint: -1 });
        expect([...lazy.entries()]).toEqual([...eager.entries()]);
      }),
      { numRuns: 300 },
    );
  });

  it("a read view built section by section equals the whole map", () => {
    const text =
      "[DEFAULT]\nregion = d\n[profile a]\nk = 1\n[services s]\ns3 =\n  x = 1\n[profile b]\nregion = b\n";
    const p = parseConfigText(text);
    expect(p.section("profile b")).toEqual(new Map([["region", "b"]]));
    expect(p.section("DEFAULT")).toBeUndefined();
    expect(p.keyLines("profile a")).toEqual(
      new Map([
        ["k", 4],
        ["region", 2],
      ]),
    );
    expect(p.headerLine("services s")).toBe(5);
    expect([...p.raw.keys()]).toEqual(["profile a", "services s", "profile b"]);
    expect(p.raw.get("services s")!.get("s3")).toEqual(new Map([["x", "1"]]));
    expect(p.raw.get("profile a")).toBe(p.section("profile a"));
  });
});
