/**
 * The status index's tables (src/status/summary.ts): on a config of 3,000 profiles — profiles sharing
 * one cache key, two profile names whose fnv1a collides, names that need JSON escaping — the lean
 * report (the index read by offset) equals the full path's for every cached entry and for shell
 * selections across the file; and an index that is torn, inconsistent or made for other files is
 * never answered from (the lean path declines, the full path rebuilds it). Files only, no server.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAwsConfig } from "../../src/config/load";
import { awsPaths } from "../../src/config/paths";
import { roleCacheKeyMaterial, ssoRoleCacheKeyArgs } from "../../src/credentials/cache-format";
import { fnv1a } from "../../src/platform/fnv";
import { statusFromIndex } from "../../src/status/fast-path";
import { collectStatus, configIdentity } from "../../src/status/status";
import { readStatusIndex, statusIndexFile } from "../../src/status/summary";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
const START = "https://d-1234567890.awsapps.com/start";
let home: string;
let env: NodeJS.ProcessEnv;
let names: string[];
const cached = new Set<string>();
const now = new Date();
const later = new Date(now.getTime() + 3_600_000).toISOString();

// dev-copy is dev's account and role: one cache entry for both.
const account = (n: string, i: number) => (n === "dev-copy" ? "100000000000" : String(100000000000 + i));
const role = (n: string, i: number) => (n === "dev-copy" ? "Role0" : `Role${i % 3}`);

/** Two names with the same fnv1a (found by search: about 80,000 tries for 32 bits). */
function fnvCollision(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const n = `c-${i}`;
    const h = fnv1a(n);
    const other = seen.get(h);
    if (other !== undefined) return [other, n];
    seen.set(h, n);
  }
}

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), "portico-status-tables-"));
  env = { HOME: home, PATH: process.env["PATH"] };
  const [c1, c2] = fnvCollision();
  names = ["dev", "dev-copy", c1, c2, 'odd "quoted" \\ name', "ünïcode-プロファイル"];
  for (let i = 0; names.length < 3000; i++) names.push(`gen-${i}`);
  let text = `[sso-session acme]\nsso_start_url = ${START}\nsso_region = eu-north-1\n`;
  names.forEach((n, i) => {
    text += `\n[profile ${n}]\nsso_session = acme\nsso_account_id = ${account(n, i)}\nsso_role_name = ${role(n, i)}\n`;
  });
  mkdirSync(path.join(home, ".aws", "sso", "cache"), { recursive: true, mode: 0o700 });
  mkdirSync(path.join(home, ".aws", "cli", "cache"), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(home, ".aws", "config"), text, { mode: 0o600 });
  writeFileSync(
    path.join(home, ".aws", "sso", "cache", `${sha1("acme")}.json`),
    JSON.stringify({ startUrl: START, region: "eu-north-1", accessToken: "t", expiresAt: later }),
  );
  // Role credentials for every 97th profile, the first (shared by dev-copy) and both colliding names.
  names.forEach((n, i) => {
    if (i % 97 !== 0 && i > 3) return;
    const key = sha1(
      roleCacheKeyMaterial(
        ssoRoleCacheKeyArgs({
          accountId: account(n, i),
          roleName: role(n, i),
          sessionName: "acme",
          startUrl: "",
        }),
      ),
    );
    cached.add(key);
    writeFileSync(
      path.join(home, ".aws", "cli", "cache", `${key}.json`),
      JSON.stringify({
        ProviderType: "sso",
        Credentials: { AccessKeyId: `ASIA${i}`, SecretAccessKey: "s", SessionToken: "t", Expiration: later },
      }),
    );
  });
  // The index is written for files changed more than 2 s ago: a wall clock a minute ahead.
  const config = await loadAwsConfig(env);
  await collectStatus(
    { env, now: () => now, wallClock: () => Date.now() + 60_000 },
    config,
    configIdentity(awsPaths(env)),
  );
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const full = async (e: NodeJS.ProcessEnv) =>
  collectStatus({ env: e, now: () => now }, await loadAwsConfig(e));

describe("status index tables", () => {
  it("answers every cached entry and every sampled shell selection as the full path does", async () => {
    const lean = statusFromIndex(["status"], env, now);
    expect(lean).toBeDefined();
    const want = await full(env);
    expect(lean!.status).toEqual(want);
    // dev and dev-copy share one entry; both colliding names are listed
    const listed = want.roleCredentials.map((r) => r.profile);
    expect(listed.slice(0, 4)).toEqual(names.slice(0, 4));
    expect(want.roleCredentials).toHaveLength(cached.size + 1);
    for (const p of [...names.slice(0, 6), "gen-1500", names[names.length - 1]!, "missing", "DEV"]) {
      const e = { ...env, AWS_PROFILE: p };
      expect(statusFromIndex(["status"], e, now)!.status, p).toEqual(await full(e));
    }
    const summary = readStatusIndex(awsPaths(env))!;
    try {
      expect(summary.byProfile(names[2]!)?.profile).toBe(names[2]);
      expect(summary.byProfile(names[3]!)?.profile).toBe(names[3]);
      expect(fnv1a(names[2]!)).toBe(fnv1a(names[3]!));
      expect(summary.byKey("0".repeat(40))).toEqual([]);
      expect(summary.byKey("not hex")).toEqual([]);
    } finally {
      summary.close();
    }
  });

  it("never answers from an index that is torn, inconsistent or for other files", () => {
    const file = statusIndexFile(awsPaths(env));
    const good = readFileSync(file);
    const nl = good.indexOf(0x0a);
    const words = good.toString("latin1", 0, nl).split(" ");
    const bad: [string, Buffer][] = [
      ["truncated", good.subarray(0, good.length - 10)],
      ["one byte longer", Buffer.concat([good, Buffer.from("\n")])],
      [
        "a part's length wrong",
        Buffer.concat([
          Buffer.from([...words.slice(0, 2), Number(words[2]) + 1, ...words.slice(3)].join(" ")),
          good.subarray(nl),
        ]),
      ],
      [
        "version 1",
        Buffer.concat([Buffer.from(good.toString("latin1", 0, nl).replace(" 2 ", " 1 ")), good.subarray(nl)]),
      ],
      [
        "another config's",
        Buffer.from(
          good
            .toString("latin1")
            .replace(`"${path.join(home, ".aws", "config")}"`, `"${path.join(home, ".aws", "other")}"`),
          "latin1",
        ),
      ],
      ["empty", Buffer.alloc(0)],
    ];
    try {
      for (const [what, bytes] of bad) {
        writeFileSync(file, bytes);
        expect(statusFromIndex(["status"], env, now), what).toBeUndefined();
      }
    } finally {
      writeFileSync(file, good);
    }
    expect(statusFromIndex(["status"], env, now)).toBeDefined();
  });

  it("an offset pointing outside the lines makes the lean path decline, not guess", () => {
    const file = statusIndexFile(awsPaths(env));
    const good = readFileSync(file);
    const nl = good.indexOf(0x0a);
    const [headLen] = good.toString("latin1", 0, nl).split(" ").slice(2).map(Number) as [number];
    const spoiled = Buffer.from(good);
    // every key record's offset → far past the end
    const keysAt = nl + 1 + headLen;
    const keysLen = Number(good.toString("latin1", 0, nl).split(" ")[3]);
    for (let at = keysAt; at < keysAt + keysLen; at += 12) spoiled.writeUInt32BE(0x7fffffff, at + 8);
    try {
      writeFileSync(file, spoiled);
      expect(statusFromIndex(["status"], env, now)).toBeUndefined();
    } finally {
      writeFileSync(file, good);
    }
  });

  it("the first version's index file is removed when the current one is written", async () => {
    const p = awsPaths(env);
    const dir = path.dirname(statusIndexFile(p));
    const first = path.join(dir, `status-${sha1(JSON.stringify([p.configFile, p.credentialsFile]))}.txt`);
    writeFileSync(first, "old\n");
    await collectStatus(
      { env, now: () => now, wallClock: () => Date.now() + 60_000 },
      await loadAwsConfig(env),
      configIdentity(p),
    );
    expect(readdirSync(dir).filter((f) => f.startsWith("status-"))).toEqual([
      path.basename(statusIndexFile(p)),
    ]);
  });
});
