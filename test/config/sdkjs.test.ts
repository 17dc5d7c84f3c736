/**
 * SDK-JS divergence warnings (docs/reference.md §1.3): each construct of the table is warned about on its
 * line, and — checked against the real SDK reader (@smithy/core loadSharedConfigFiles) — a file gets a
 * warning exactly when the SDK for JavaScript reads it differently from botocore.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadSharedConfigFiles } from "@smithy/core/config";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProfileMap, parseConfigText } from "../../src/config/botocore";
import { compareWithSdkJs, readsAlike, sdkJsWarnings } from "../../src/config/sdkjs";
import { fixtures } from "./fixtures";
import { configText, validConfigText } from "./gen";

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "portico-sdkjs-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const LONG = process.env["PORTICO_LONG"] === "1";

/** What the real SDK reads, and what botocore reads, as name → flattened key/values (non-empty sections). */
async function views(text: string, kind: "config" | "credentials") {
  const file = path.join(dir, `f${n++}`);
  await writeFile(file, text, "utf8");
  const none = path.join(dir, "does-not-exist");
  const js = await loadSharedConfigFiles(
    kind === "config"
      ? { configFilepath: file, filepath: none, ignoreCache: true }
      : { configFilepath: none, filepath: file, ignoreCache: true },
  );
  await rm(file);
  const jsData = (kind === "config" ? js.configFile : js.credentialsFile) as Record<
    string,
    Record<string, string>
  >;
  const jsView = Object.entries(jsData)
    .filter(([, v]) => Object.keys(v).length > 0)
    .map(([k, v]) => [k, Object.entries(v).sort()] as const)
    .sort();
  const parsed = parseConfigText(text);
  const boto: [string, [string, string][]][] = [];
  const add = (name: string, section: string) => {
    const flat: [string, string][] = [];
    for (const [k, v] of parsed.raw.get(section)!) {
      if (typeof v === "string") flat.push([k, v]);
      else for (const [sk, sv] of v) flat.push([`${k}.${sk}`, sv]);
    }
    if (flat.length > 0) boto.push([name, flat.sort()]);
  };
  if (kind === "config") {
    const pm = buildProfileMap(parsed.raw.keys());
    for (const [nm, s] of pm.profiles) add(nm, s);
    for (const [nm, s] of pm.ssoSessions) add(`sso-session.${nm}`, s);
    for (const [nm, s] of pm.services) add(`services.${nm}`, s);
  } else for (const s of parsed.raw.keys()) add(s, s);
  boto.sort();
  return { parsed, same: JSON.stringify(jsView) === JSON.stringify(boto), jsView, boto };
}

async function check(text: string, kind: "config" | "credentials") {
  const v = await views(text, kind);
  if (v.parsed.refusal) return;
  const w = sdkJsWarnings(text, v.parsed, "f", kind);
  if (v.same !== (w.length === 0)) {
    throw new Error(
      `${JSON.stringify(text)} (${kind})\nwarnings: ${JSON.stringify(w)}\njs: ${JSON.stringify(v.jsView)}\nboto: ${JSON.stringify(v.boto)}`,
    );
  }
}

describe("a warning exactly when the real SDK reads differently", () => {
  it("a section the SDK reads with no key (only __proto__) is no divergence", async () => {
    await check("[profile.dev]\n__proto__=a", "config");
  });
  it("a dotted key with a nested value is traced to its own line (found by the generated files)", async () => {
    await check("[default]\nk.y=\n  Region =", "config");
    await check("[default]\nk.y=\n  Region =", "credentials");
    await check("[profile p]\na.b.c=\n  d.e = 1\n  f =", "config");
  });
  for (const [name, text] of Object.entries(fixtures)) {
    it(`fixture: ${name}`, async () => {
      await check(text, "config");
      await check(text, "credentials");
    });
  }
  it(`generated files (${LONG ? 3000 : 200} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(configText, validConfigText),
        fc.constantFrom("config", "credentials"),
        (t, k) => check(t, k as "config" | "credentials"),
      ),
      { numRuns: LONG ? 3000 : 200 },
    );
  });
});

describe("the readsAlike shortcut (the comparison is skipped for files made only of plain constructs)", () => {
  // Files near the shortcut's edge: plain lines mixed with one odd construct at a time.
  const header = fc.constantFrom(
    "[default]",
    "[profile dev]",
    "[profile default]",
    "[sso-session acme]",
    "[services s3x]",
    "[profile sso-session.acme]",
    "[profile __proto__]",
    "[profile a.b]",
    "[prod]",
    "[profile.dev]",
    "[profile  dev]",
    '[profile "dev"]',
    "[DEFAULT]",
    "[profile dev] x",
    " [profile dev]",
    "[profile dév]",
  );
  const line = fc.constantFrom(
    "region = eu-north-1",
    "output = json",
    "sso_session = acme",
    "k=v",
    "k = v # c",
    "k = a#b",
    "k: v",
    "Region = x",
    "__proto__ = x",
    "e =",
    "  cont",
    "",
    "# comment",
    "  ; comment",
    "k = v\t",
    "k = caf\u00e9",
    "[x = y",
  );
  const text = fc
    .array(fc.tuple(header, fc.array(line, { maxLength: 4 })), { maxLength: 5 })
    .chain((secs) =>
      fc.constantFrom("\n", "\r\n").map((eol) => secs.map(([h, ls]) => [h, ...ls].join(eol)).join(eol)),
    );
  it("never hides a warning: when it says alike, the full comparison finds nothing", () => {
    let alike = 0;
    fc.assert(
      fc.property(
        fc.oneof(text, configText, validConfigText),
        fc.constantFrom("config", "credentials"),
        (t, k) => {
          const kind = k as "config" | "credentials";
          const parsed = parseConfigText(t);
          if (parsed.refusal || !readsAlike(parsed, kind)) return;
          alike++;
          expect(compareWithSdkJs(t, parsed, "f", kind)).toEqual([]);
        },
      ),
      { numRuns: LONG ? 20_000 : 2000 },
    );
    expect(alike).toBeGreaterThan(50);
  });
  it("says alike for a file as portico sync writes it", () => {
    const t =
      "[sso-session acme]\nsso_region = eu-north-1\n\n# c\n[profile a-Admin]\nsso_session = acme\nregion = eu-north-1\n";
    expect(readsAlike(parseConfigText(t), "config")).toBe(true);
  });
});

describe("each §1.3 construct is named on its line", () => {
  const cases: [string, string, number, string][] = [
    ["[default]\nregion = us-east-1 # c\n", "config", 2, "js_inline_comment"],
    ["[default]\nregion: x\n", "config", 2, "js_colon_delimiter"],
    ["[default]\nx = 1\nRegion = a\n", "config", 3, "js_key_case"],
    ["[default]\nk = a\n  more\n", "config", 2, "js_continuation"],
    ["[default]\nk =\nj = 1\n", "config", 2, "js_empty_value"],
    ['[profile "my prof"]\nk = v\n', "config", 1, "js_section_name"],
    ["[profile   x]\nk = v\n", "config", 1, "js_section_name"],
    ["[profiles foo]\nk = v\n", "config", 1, "js_section_prefix"],
    ["[DEFAULT]\nregion = a\n[profile x]\nk = v\n", "config", 2, "js_default_section"],
    ["[profile default]\nregion = a\n[default]\nregion = b\n", "config", 3, "js_other_section"],
    ["[profile.dev]\nk = v\n", "config", 1, "js_only_section"],
    ["[my prof]\naws_access_key_id = A\n", "credentials", 1, "js_section_name"],
  ];
  for (const [text, kind, line, code] of cases) {
    it(`${code}: ${JSON.stringify(text)}`, async () => {
      const parsed = parseConfigText(text);
      const w = sdkJsWarnings(text, parsed, "f", kind as "config");
      expect(w.map((x) => [x.line, x.code])).toContainEqual([line, code]);
      expect((await views(text, kind as "config")).same).toBe(false);
    });
  }
  it("warnings never quote values", () => {
    const text = "[default]\naws_secret_access_key = s3cr3t # x\n";
    const w = sdkJsWarnings(text, parseConfigText(text), "f", "credentials");
    expect(w.length).toBe(1);
    expect(JSON.stringify(w)).not.toContain("s3cr3t");
  });
});
