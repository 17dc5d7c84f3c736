/**
 * The credential_process fast path answers only cache hits, byte-identical to the full resolver, and
 * steps aside (undefined) for everything else. No network needed: cache entries are written directly.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { roleCacheFile, roleCacheKey, writeCachedRoleCredentials } from "../../src/credentials/cache";
import { credentialProcessFromCache, fastPathProfileFlag } from "../../src/credentials/fast-path";
import { formatCredentialProcess } from "../../src/credentials/format";
import { resolveCredentials } from "../../src/credentials/resolve";
import { tempHome } from "../helpers/emulator";
import { demoConfig, START_URL, writeConfig } from "./support";

let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
const now = new Date("2030-01-01T00:00:00Z");
const later = new Date("2030-01-01T01:00:00Z");

async function seed(args: Parameters<typeof roleCacheKey>[0], expiration = later) {
  const file = roleCacheFile(path.join(home.home, ".aws", "cli", "cache"), roleCacheKey(args));
  await writeCachedRoleCredentials(file, {
    accessKeyId: `ASIA${args.roleName.toUpperCase().slice(0, 8)}`,
    secretAccessKey: "secret",
    sessionToken: "token",
    expiration,
  });
  return file;
}

beforeEach(async () => {
  home = await tempHome();
  env = { HOME: home.home };
  await writeConfig(
    home.home,
    demoConfig(
      "\n[profile chained]\nrole_arn = arn:aws:iam::1:role/x\nsso_account_id = 333333333333\nsso_role_name = PowerUserAccess\nsso_session = acme\n\n[profile clash]\nsso_session = acme\nsso_region = us-east-1\nsso_account_id = 333333333333\nsso_role_name = PowerUserAccess\n",
    ),
  );
  await seed({ accountId: "333333333333", roleName: "PowerUserAccess", sessionName: "acme" });
  await seed({ accountId: "222222222222", roleName: "AdministratorAccess", startUrl: START_URL });
});

afterEach(async () => {
  await home.cleanup();
});

describe("argv", () => {
  it.each([
    [["credential-process"], {}],
    [["credential-process", "--profile", "dev"], { profile: "dev" }],
    [["credential-process", "--profile=dev"], { profile: "dev" }],
    [["credential-process", "--help"], undefined],
    [["credential-process", "--profile"], undefined],
    [["credential-process", "--profile", "dev", "--debug"], undefined],
    [["credentials", "--profile", "dev"], undefined],
    [["credential-process", "--profile", "--help"], undefined],
  ])("%j → %j", (argv, expected) => {
    expect(fastPathProfileFlag(argv)).toEqual(expected);
  });
});

describe("cache hits equal the full resolver's output", () => {
  it.each(["dev", "legacy"])("profile %s", async (profile) => {
    const fast = credentialProcessFromCache(["credential-process", "--profile", profile], env, now);
    const full = await resolveCredentials({ env, now: () => now }, { profile, ignoreEnv: true });
    expect(full.source).toMatchObject({ cached: true });
    expect(fast).toBe(formatCredentialProcess(full.credentials));
  });

  it("AWS_PROFILE selects the profile when no flag is given", () => {
    const out = credentialProcessFromCache(["credential-process"], { ...env, AWS_PROFILE: "dev" }, now);
    expect(JSON.parse(out!).AccountId).toBe("333333333333");
  });
});

describe("everything else steps aside", () => {
  it("environment keys without --profile (botocore's chain uses them, not the profile)", () => {
    const withKeys = { ...env, AWS_PROFILE: "dev", AWS_ACCESS_KEY_ID: "AKIAENV", AWS_SECRET_ACCESS_KEY: "s" };
    expect(credentialProcessFromCache(["credential-process"], withKeys, now)).toBeUndefined();
    // An explicit --profile beats the environment keys, so the cache answers.
    const out = credentialProcessFromCache(["credential-process", "--profile", "dev"], withKeys, now);
    expect(JSON.parse(out!).AccountId).toBe("333333333333");
  });

  it("no entry / entry inside the 15-minute window / torn entry", async () => {
    expect(
      credentialProcessFromCache(["credential-process", "--profile", "admin"], env, now),
    ).toBeUndefined();
    expect(
      credentialProcessFromCache(
        ["credential-process", "--profile", "dev"],
        env,
        new Date(later.getTime() - 15 * 60_000),
      ),
    ).toBeUndefined();
    const file = await seed({ accountId: "333333333333", roleName: "PowerUserAccess", sessionName: "acme" });
    await writeFile(file, '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "AS');
    expect(credentialProcessFromCache(["credential-process", "--profile", "dev"], env, now)).toBeUndefined();
  });

  it("profiles the full resolver treats differently (role_arn first, inconsistent sso-session, unknown)", () => {
    for (const p of ["chained", "clash", "nope", "forbidden"])
      expect(credentialProcessFromCache(["credential-process", "--profile", p], env, now)).toBeUndefined();
  });

  it("a credentials-file section for the profile, or a config file botocore refuses", async () => {
    await writeFile(path.join(home.home, ".aws", "credentials"), "[dev]\naws_access_key_id = AKIA\n");
    expect(credentialProcessFromCache(["credential-process", "--profile", "dev"], env, now)).toBeUndefined();
    await writeFile(path.join(home.home, ".aws", "credentials"), "");
    expect(credentialProcessFromCache(["credential-process", "--profile", "dev"], env, now)).toBeDefined();
    await writeFile(path.join(home.home, ".aws", "config"), "[profile dev\nsso_session = acme\n");
    expect(credentialProcessFromCache(["credential-process", "--profile", "dev"], env, now)).toBeUndefined();
  });

  it("AWS_CONFIG_FILE elsewhere is honoured", async () => {
    await mkdir(path.join(home.home, "alt"), { recursive: true });
    await writeFile(path.join(home.home, "alt", "cfg"), "[profile other]\nregion = x\n");
    expect(
      credentialProcessFromCache(
        ["credential-process", "--profile", "dev"],
        { ...env, AWS_CONFIG_FILE: path.join(home.home, "alt", "cfg") },
        now,
      ),
    ).toBeUndefined();
  });
});

describe("the fast-path index (config located without parsing it)", () => {
  const ahead = () => Date.now() + 60_000; // the files count as settled
  const argv = (p: string) => ["credential-process", "--profile", p];
  const indexDir = () => path.join(home.home, ".aws", "portico", "fast-path");

  it("is written once the files are settled, 0600 in 0700, and answers byte-identically", async () => {
    expect(credentialProcessFromCache(argv("dev"), env, now)).toBeDefined();
    expect(existsSync(indexDir())).toBe(false); // files just written: not settled, no index
    for (const p of ["dev", "legacy"]) {
      const first = credentialProcessFromCache(argv(p), env, now, { wallClock: ahead });
      const second = credentialProcessFromCache(argv(p), env, now, { wallClock: ahead });
      const full = await resolveCredentials({ env, now: () => now }, { profile: p, ignoreEnv: true });
      expect(first).toBe(formatCredentialProcess(full.credentials));
      expect(second).toBe(first);
    }
    const files = readdirSync(indexDir());
    expect(files).toHaveLength(2);
    expect(statSync(indexDir()).mode & 0o777).toBe(0o700);
    for (const f of files) expect(statSync(path.join(indexDir(), f)).mode & 0o777).toBe(0o600);
  });

  it("is used while both files keep their identity, and dropped the moment either changes", async () => {
    expect(credentialProcessFromCache(argv("dev"), env, now, { wallClock: ahead })).toBeDefined();
    const [f] = readdirSync(indexDir());
    const file = path.join(indexDir(), f!);
    // Point the index at another (cached) role: answered from the index (its key and its stored
    // role-cache file name), so the config was not read.
    const rec = JSON.parse(readFileSync(file, "utf8"));
    const admin = { accountId: "222222222222", roleName: "AdministratorAccess", startUrl: START_URL };
    rec.profile = admin;
    rec.roleFile = roleCacheKey(admin);
    writeFileSync(file, JSON.stringify(rec));
    const fromIndex = JSON.parse(credentialProcessFromCache(argv("dev"), env, now, { wallClock: ahead })!);
    expect([fromIndex.AccountId, fromIndex.AccessKeyId]).toEqual(["222222222222", "ASIAADMINIST"]);
    // Same bytes, new ctime/mtime (touch): the index no longer matches, the file is read again.
    const cfg = path.join(home.home, ".aws", "config");
    utimesSync(cfg, new Date(), new Date());
    expect(
      JSON.parse(credentialProcessFromCache(argv("dev"), env, now, { wallClock: ahead })!).AccountId,
    ).toBe("333333333333");
    // A credentials file appearing with the profile in it changes the answer too.
    expect(credentialProcessFromCache(argv("dev"), env, now, { wallClock: ahead })).toBeDefined();
    writeFileSync(path.join(home.home, ".aws", "credentials"), "[dev]\naws_access_key_id = AKIA\n");
    expect(credentialProcessFromCache(argv("dev"), env, now, { wallClock: ahead })).toBeUndefined();
  });

  it("a same-size edit, an atomic replace and a duplicate section are all seen", async () => {
    const cfg = path.join(home.home, ".aws", "config");
    expect(credentialProcessFromCache(argv("dev"), env, now, { wallClock: ahead })).toBeDefined();
    // Same size, different role: the cache entry for it does not exist → miss.
    const text = readFileSync(cfg, "utf8");
    writeFileSync(
      cfg,
      text.replace(
        "sso_role_name = PowerUserAccess\nregion = eu-north-1",
        "sso_role_name = PowerUserAccesX\nregion = eu-north-1",
      ),
    );
    expect(statSync(cfg).size).toBe(Buffer.byteLength(text));
    expect(credentialProcessFromCache(argv("dev"), env, now, { wallClock: ahead })).toBeUndefined();
    // Atomic replace with the original text (new inode): hit again.
    writeFileSync(`${cfg}.new`, text);
    renameSync(`${cfg}.new`, cfg);
    expect(credentialProcessFromCache(argv("dev"), env, now, { wallClock: ahead })).toBeDefined();
    // A duplicate section anywhere: botocore refuses the file, so the fast path steps aside.
    writeFileSync(cfg, `${text}\n[profile admin]\nregion = x\n`);
    expect(credentialProcessFromCache(argv("dev"), env, now, { wallClock: ahead })).toBeUndefined();
    expect(credentialProcessFromCache(argv("dev"), env, now, { wallClock: ahead })).toBeUndefined();
  });

  it("a torn or hostile index is ignored", async () => {
    expect(credentialProcessFromCache(argv("dev"), env, now, { wallClock: ahead })).toBeDefined();
    const [f] = readdirSync(indexDir());
    const file = path.join(indexDir(), f!);
    const good = readFileSync(file, "utf8");
    const rec = JSON.parse(good);
    const legacy = credentialProcessFromCache(argv("legacy"), env, now, { wallClock: ahead });
    const legacyFile = readdirSync(indexDir()).find((n) => n !== f)!;
    const foreign = readFileSync(path.join(indexDir(), legacyFile), "utf8");
    expect(JSON.parse(legacy!).AccountId).toBe("222222222222");
    for (const bad of [
      good.slice(0, 20),
      good.replace('"v":4', '"v":3'),
      // legacy's entry (valid, same files) under dev's name: it is for another profile
      foreign,
      JSON.stringify({ ...rec, for: [...rec.for.slice(0, 2), "other"] }),
      JSON.stringify({ ...rec, roleFile: "../../../etc/passwd" }),
      JSON.stringify({ ...rec, tokenFile: null }),
      JSON.stringify({ ...rec, startUrl: "" }),
      JSON.stringify({ ...rec, profile: null }),
      good.replace(
        /"profile":.*$/,
        '"profile":{"accountId":"1","roleName":"r","sessionName":"s","extra":"x"}}',
      ),
      good.replace(/"profile":.*$/, '"profile":"dev"}'),
    ]) {
      writeFileSync(file, bad);
      const out = credentialProcessFromCache(argv("dev"), env, now, { wallClock: ahead });
      expect(JSON.parse(out!).AccountId).toBe("333333333333");
      // refused and recomputed from the config: the entry is written again, whole
      expect(readFileSync(file, "utf8")).toBe(good);
    }
  });

  it("a FIFO as the config file never blocks the fast path", async () => {
    const fifo = path.join(home.home, "fifo");
    execFileSync("mkfifo", [fifo]);
    const t0 = Date.now();
    expect(credentialProcessFromCache(argv("dev"), { ...env, AWS_CONFIG_FILE: fifo }, now)).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
