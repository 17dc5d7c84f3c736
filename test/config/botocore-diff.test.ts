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
import {
  buildProfileMap,
  parseConfigText,
  type RawValue,
  rawConfigToPairs,
  scanRefusal,
} from "../../src/config/botocore";
import { ConfigDocument } from "../../src/config/document";
import { scan } from "../../src/config/scan";
import { type BotocoreOracle, type BotocoreResult, startBotocore } from "../helpers/botocore";
import { missing } from "../helpers/tools";
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
  const { ok: _a, json: _j, ...t } = theirs;
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

describe.skipIf(missing("boto3"))("fixtures agree with botocore", () => {
  for (const [name, text] of Object.entries(fixtures)) {
    it(name, async () => {
      expect(await disagreement(text)).toBeUndefined();
      expect(ConfigDocument.parse(text).toString()).toBe(text);
      newKeyRoundTrip(text);
    });
  }
});

describe.skipIf(missing("boto3"))("generated files agree with botocore", () => {
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
        if (!parseConfigText(text).refusal) {
          for (const sec of same.scan.sections) {
            if (sec.isDefault) continue;
            for (const e of sec.entries)
              if (e.more === undefined) expect(same.set(sec.name, e.key, e.value)).toBe(false);
          }
          expect(same.toString()).toBe(text);
        }
        const doc = ConfigDocument.parse(text);
        if (parseConfigText(text).refusal) return;
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

describe.skipIf(missing("boto3"))(
  "random edit sequences do exactly what they say (model-checked), and botocore agrees",
  () => {
    type Op =
      | { op: "set"; section: string; key: string; value: string }
      | { op: "unset"; section: string; key: string }
      | { op: "remove"; section: string }
      | { op: "rename"; section: string; to: string };
    const names = [
      "default",
      "profile dev",
      "profile prod",
      "sso-session s",
      "profile new1",
      "services svc2",
    ];
    const keys = ["region", "output", "k", "x", "sso_session", "new_key"];
    const values = ["v1", "us-east-1", "http://h:1/x", "a=b", "ü"];
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 5,
        arbitrary: fc
          .tuple(fc.constantFrom(...names), fc.constantFrom(...keys), fc.constantFrom(...values))
          .map(([section, key, value]) => ({ op: "set" as const, section, key, value })),
      },
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.constantFrom(...names), fc.constantFrom(...keys))
          .map(([section, key]) => ({ op: "unset" as const, section, key })),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...names).map((section) => ({ op: "remove" as const, section })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(...names), fc.constantFrom("profile renamed", "sso-session t"))
          .map(([section, to]) => ({ op: "rename" as const, section, to })),
      },
    );
    /** Own keys per section, in file order ([DEFAULT] left out). */
    const ownModel = (text: string): [string, [string, string][]][] => {
      const s = scan(text);
      return s.sections
        .filter((x) => !x.isDefault)
        .map((x) => [
          x.name,
          x.entries.map((e) => [e.key, parseConfigText(text).raw.get(x.name)!.get(e.key) as string]),
        ]);
    };
    it(`${LONG ? 2000 : 100} sequences`, async () => {
      await fc.assert(
        fc.asyncProperty(validConfigText, fc.array(op, { minLength: 1, maxLength: 8 }), async (text, ops) => {
          if (parseConfigText(text).refusal) return;
          const model = ownModel(text).map(([n, kv]) => [n, new Map(kv)] as [string, Map<string, string>]);
          const doc = ConfigDocument.parse(text);
          for (const o of ops) {
            const i = model.findIndex(([n]) => n === o.section);
            if (o.op === "set") {
              doc.set(o.section, o.key, o.value);
              if (i === -1) model.push([o.section, new Map([[o.key, o.value]])]);
              else model[i]![1].set(o.key, o.value);
            } else if (o.op === "unset") {
              doc.unset(o.section, o.key);
              if (i !== -1) model[i]![1].delete(o.key);
            } else if (o.op === "remove") {
              doc.removeSection(o.section);
              if (i !== -1) model.splice(i, 1);
            } else if (i !== -1 && !model.some(([n]) => n === o.to)) {
              doc.renameSection(o.section, o.to);
              model[i]![0] = o.to;
            }
          }
          const edited = doc.toString();
          const d = await disagreement(edited);
          if (d)
            throw new Error(
              `${JSON.stringify(text)} ${JSON.stringify(ops)} → ${JSON.stringify(edited)}\n${d}`,
            );
          const got = ownModel(edited);
          const want = model.map(([n, m]) => [n, [...m]]);
          if (JSON.stringify(got) !== JSON.stringify(want))
            throw new Error(
              `${JSON.stringify(text)} ${JSON.stringify(ops)} → ${JSON.stringify(edited)}\ngot ${JSON.stringify(got)}\nwant ${JSON.stringify(want)}`,
            );
        }),
        { numRuns: LONG ? 2000 : 100 },
      );
    });
  },
);

describe.skipIf(missing("boto3"))(
  "sub-section edits in [services] sections (model-checked), and botocore agrees",
  () => {
    type SubOp =
      | { op: "set"; key: string; sub: string; value: string }
      | { op: "unset"; key: string; sub: string };
    const subOp: fc.Arbitrary<SubOp> = fc.oneof(
      fc
        .tuple(
          fc.constantFrom("s3", "sts", "k"),
          fc.constantFrom("endpoint_url", "addressing_style"),
          fc.constantFrom("http://h:1", "path", "v"),
        )
        .map(([key, sub, value]) => ({ op: "set" as const, key, sub, value })),
      fc
        .tuple(fc.constantFrom("s3", "sts", "k"), fc.constantFrom("endpoint_url", "addressing_style"))
        .map(([key, sub]) => ({ op: "unset" as const, key, sub })),
    );
    it(`${LONG ? 2000 : 100} sequences`, async () => {
      await fc.assert(
        fc.asyncProperty(
          validConfigText,
          fc.constantFrom("services svc", "services new"),
          fc.array(subOp, { minLength: 1, maxLength: 6 }),
          async (text, header, ops) => {
            const before = parseConfigText(text);
            if (before.refusal) return;
            // The section's own keys ([DEFAULT] values are not the edit's business; an own key replaces them).
            const own = (t: string): Map<string, RawValue> => {
              const p = parseConfigText(t);
              const out = new Map<string, RawValue>();
              for (const sec of p.scan.sections)
                if (!sec.isDefault && sec.name === header)
                  for (const e of sec.entries) out.set(e.key, p.raw.get(header)!.get(e.key)!);
              return out;
            };
            const model = own(text);
            const doc = ConfigDocument.parse(text);
            for (const o of ops) {
              const cur = model.get(o.key);
              if (o.op === "set") {
                // A plain value is refused; an empty one (`key =`) becomes the sub-section, as the AWS CLI writes it.
                if (typeof cur === "string" && cur !== "") {
                  expect(() => doc.setSub(header, o.key, o.sub, o.value)).toThrow();
                  continue;
                }
                doc.setSub(header, o.key, o.sub, o.value);
                const m = new Map(cur instanceof Map ? cur : []);
                m.set(o.sub, o.value);
                model.set(o.key, m);
              } else {
                doc.unsetSub(header, o.key, o.sub);
                if (cur instanceof Map && cur.has(o.sub)) {
                  const m = new Map(cur);
                  m.delete(o.sub);
                  if (m.size === 0) model.delete(o.key);
                  else model.set(o.key, m);
                }
              }
            }
            const edited = doc.toString();
            const d = await disagreement(edited);
            if (d)
              throw new Error(
                `${JSON.stringify(text)} ${JSON.stringify(ops)} → ${JSON.stringify(edited)}\n${d}`,
              );
            const after = own(edited);
            const norm = (m: Map<string, RawValue>) =>
              JSON.stringify([...m].map(([k, v]) => [k, typeof v === "string" ? v : [...v]]).sort());
            if (norm(after) !== norm(model))
              throw new Error(
                `${JSON.stringify(text)} ${JSON.stringify(ops)} → ${JSON.stringify(edited)}\ngot ${norm(after)}\nwant ${norm(model)}`,
              );
          },
        ),
        { numRuns: LONG ? 2000 : 100 },
      );
    });
  },
);
