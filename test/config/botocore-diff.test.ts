/**
 * Differential tests against the real botocore (python3): for every fixture and for generated files,
 * portico's read view must equal `raw_config_parse` + `build_profile_map`, or both must refuse.
 * Also: every file round-trips byte for byte, and set-then-unset of a new key returns the original bytes.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProfileMap, parseConfigText, rawConfigToPairs, scanRefusal } from "../../src/config/botocore";
import { ConfigDocument } from "../../src/config/document";
import { scan } from "../../src/config/scan";
import { type BotocoreOracle, type BotocoreResult, startBotocore } from "../helpers/botocore";
import { fixtures } from "./fixtures";
import { configText, validConfigText } from "./gen";

const LONG = process.env["PORTICO_LONG"] === "1";
let oracle: BotocoreOracle;
let dir: string;
let n = 0;

beforeAll(async () => {
  oracle = startBotocore();
  dir = await mkdtemp(path.join(tmpdir(), "portico-diff-"));
});
afterAll(async () => {
  await oracle.close();
  await rm(dir, { recursive: true, force: true });
});

async function botocore(text: string): Promise<BotocoreResult> {
  const file = path.join(dir, `c${n++}`);
  await writeFile(file, text, "utf8");
  const r = await oracle.parse(file);
  await rm(file);
  return r;
}

function ours(text: string) {
  const p = parseConfigText(text);
  expect(scanRefusal(scan(text))).toEqual(p.refusal);
  if (p.refusal) return { ok: false as const, refusal: p.refusal };
  const pm = buildProfileMap(p.raw.keys());
  return {
    ok: true as const,
    pairs: rawConfigToPairs(p.raw),
    profiles: [...pm.profiles],
    sso_sessions: [...pm.ssoSessions],
    services: [...pm.services],
  };
}

/** Same structure, or both refuse. Returns a description of the disagreement, or undefined. */
async function disagreement(text: string): Promise<string | undefined> {
  const theirs = await botocore(text);
  const mine = ours(text);
  if (!theirs.ok) return mine.ok ? `botocore refuses (${theirs.message}) but portico reads it` : undefined;
  if (!mine.ok)
    return `portico refuses (line ${mine.refusal.line}: ${mine.refusal.message}) but botocore reads it`;
  const { ok: _a, ...t } = theirs;
  const { ok: _b, ...m } = mine;
  try {
    expect(m).toEqual(t);
  } catch (e) {
    return String((e as Error).message);
  }
  return undefined;
}

function newKeyRoundTrip(text: string): void {
  const doc = ConfigDocument.parse(text);
  const s = doc.scan;
  if (s.refusal) return;
  const sec = s.sections.filter((x) => !x.isDefault && !x.duplicate).at(-1);
  if (!sec) return;
  const k = "portico_test_key";
  doc.set(sec.name, k, "v1");
  expect(doc.get(sec.name, k)).toBe("v1");
  doc.unset(sec.name, k);
  expect(doc.toString()).toBe(text);
}

describe("fixtures agree with botocore", () => {
  for (const [name, text] of Object.entries(fixtures)) {
    it(name, async () => {
      expect(await disagreement(text)).toBeUndefined();
      expect(ConfigDocument.parse(text).toString()).toBe(text);
      newKeyRoundTrip(text);
    });
  }
});

describe("generated files agree with botocore", () => {
  it(`mixed valid/invalid files (${LONG ? 10000 : 300} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(configText, async (text) => {
        const d = await disagreement(text);
        if (d) throw new Error(`${JSON.stringify(text)}\n${d}`);
        expect(ConfigDocument.parse(text).toString()).toBe(text);
      }),
      { numRuns: LONG ? 10000 : 300 },
    );
  });

  it(`mostly-valid files: parse, set/unset round trip, edited file still agrees (${LONG ? 4000 : 150} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(validConfigText, fc.constantFrom("region", "portico_new", "k"), async (text, key) => {
        const d = await disagreement(text);
        if (d) throw new Error(`${JSON.stringify(text)}\n${d}`);
        expect(ConfigDocument.parse(text).toString()).toBe(text);
        newKeyRoundTrip(text);
        // Setting every single-line key to the value it already has leaves the bytes identical.
        const same = ConfigDocument.parse(text);
        if (!same.scan.refusal) {
          for (const sec of same.scan.sections) {
            if (sec.isDefault) continue;
            for (const e of sec.entries)
              if (e.more === undefined) expect(same.set(sec.name, e.key, e.value)).toBe(false);
          }
          expect(same.toString()).toBe(text);
        }
        const doc = ConfigDocument.parse(text);
        if (doc.scan.refusal) return;
        const sec = doc.scan.sections.find((x) => !x.isDefault);
        if (!sec) return;
        const before = parseConfigText(text).raw.get(sec.name)!;
        doc.set(sec.name, key, "edited-value");
        const edited = doc.toString();
        const d2 = await disagreement(edited);
        if (d2) throw new Error(`edited ${JSON.stringify(edited)}\n${d2}`);
        const after = parseConfigText(edited);
        expect(after.refusal).toBeUndefined();
        expect(after.raw.get(sec.name)!.get(key)).toBe("edited-value");
        // Everything else in that section reads as before.
        for (const [k, v] of before) if (k !== key) expect(after.raw.get(sec.name)!.get(k)).toEqual(v);
      }),
      { numRuns: LONG ? 4000 : 150 },
    );
  });
});
