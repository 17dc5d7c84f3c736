import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  isFresh,
  parseCacheEntry,
  readCachedRoleCredentials,
  roleCacheFile,
  roleCacheKey,
  serializeCacheEntry,
  writeCachedRoleCredentials,
} from "../../src/credentials/cache";
import { pyDumps, pyJsonString } from "../../src/platform/pyjson";

describe("roleCacheKey (docs/reference.md §2.3 verified values)", () => {
  it("sso-session key", () => {
    expect(
      roleCacheKey({ accountId: "111111111111", roleName: "AdministratorAccess", sessionName: "my-sso" }),
    ).toBe("d69b93565f62d68b82719577c1f7e002926ce75e");
  });
  it("legacy key", () => {
    expect(
      roleCacheKey({
        accountId: "222222222222",
        roleName: "ReadOnly",
        startUrl: "https://d-1234567890.awsapps.com/start",
      }),
    ).toBe("b497b9cdc8509d17b19e7562ae1c349877df2119");
  });
  it("escapes non-ASCII and DEL as Python's ensure_ascii does (value from python3)", () => {
    // python3: json.dumps({...}, sort_keys=True, separators=(",",":")) then sha1
    expect(roleCacheKey({ accountId: "1", roleName: 'R\u00f4le\u007f\u{1f600}\n"', sessionName: "x" })).toBe(
      "034eb8490fa61b1b3b46f0c67c76df479ccf6030",
    );
  });
});

describe("pyjson", () => {
  it("matches Python json.dumps for the escapes that differ from JSON.stringify", () => {
    expect(pyDumps({ a: "\u00e9\u007f\u{1f600}\u0001" })).toBe(
      '{"a": "\\u00e9\\u007f\\ud83d\\ude00\\u0001"}',
    );
  });
  it("agrees with JSON.parse for any string (round trip)", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => JSON.parse(pyJsonString(s)) === s));
  });
  it("indent layout", () => {
    expect(pyDumps({ a: 1, b: "x" }, { indent: 2, separators: [",", ": "] })).toBe(
      '{\n  "a": 1,\n  "b": "x"\n}',
    );
  });
});

const creds = {
  accessKeyId: "ASIAEXAMPLE",
  secretAccessKey: "secret/+=",
  sessionToken: "tok",
  expiration: new Date("2026-11-22T03:16:02.000Z"),
  accountId: "111111111111",
};

describe("cache entry", () => {
  it("serializes exactly like the CLI", () => {
    expect(serializeCacheEntry(creds)).toBe(
      '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret/+=", "SessionToken": "tok", "Expiration": "2026-11-22T03:16:02Z", "AccountId": "111111111111"}}',
    );
  });
  it("round-trips", () => {
    expect(parseCacheEntry(serializeCacheEntry(creds))).toEqual(creds);
  });
  it("reads an entry without AccountId (older CLIs)", () => {
    const text =
      '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2026-11-22T03:16:02Z"}}';
    expect(parseCacheEntry(text)?.accountId).toBeUndefined();
    expect(parseCacheEntry(text)?.expiration?.toISOString()).toBe("2026-11-22T03:16:02.000Z");
  });
  it.each([
    ["empty", ""],
    ["torn", serializeCacheEntry(creds).slice(0, 40)],
    ["null", "null"],
    ["array", "[]"],
    ["assume-role entry", '{"Credentials": {"AccessKeyId": "A"}, "AssumedRoleUser": {}}'],
    ["other provider", serializeCacheEntry(creds).replace('"sso"', '"assume-role"')],
    ["bad expiration", serializeCacheEntry(creds).replace("2026-11-22T03:16:02Z", "tomorrow")],
    [
      "number key",
      '{"Credentials": {"AccessKeyId": 1, "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2026-11-22T03:16:02Z"}}',
    ],
  ])("treats %s as a miss", (_name, text) => {
    expect(parseCacheEntry(text)).toBeUndefined();
  });
  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseCacheEntry(s);
        return true;
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        parseCacheEntry(JSON.stringify(v));
        return true;
      }),
    );
  });
  it("freshness uses the 15-minute window", () => {
    const now = new Date("2026-11-22T03:00:00Z");
    expect(isFresh({ ...creds, expiration: new Date("2026-11-22T03:15:01Z") }, now)).toBe(true);
    expect(isFresh({ ...creds, expiration: new Date("2026-11-22T03:15:00Z") }, now)).toBe(false);
    expect(isFresh({ accessKeyId: "A", secretAccessKey: "S" }, now)).toBe(true);
  });
});

describe("cache files", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "portico-cache-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  it("writes 0600 in a 0700 folder and reads back", async () => {
    const cacheDir = path.join(dir, ".aws", "cli", "cache");
    const file = roleCacheFile(cacheDir, "k");
    await writeCachedRoleCredentials(file, creds);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);
    expect(await readCachedRoleCredentials(file)).toEqual(creds);
    expect(await readFile(file, "utf8")).toBe(serializeCacheEntry(creds));
  });
  it("missing or truncated file is a miss and is left in place", async () => {
    const file = path.join(dir, "x.json");
    expect(await readCachedRoleCredentials(file)).toBeUndefined();
    await writeFile(file, '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "A", "Secr');
    expect(await readCachedRoleCredentials(file)).toBeUndefined();
    expect(await readFile(file, "utf8")).toContain("Secr");
  });
});
