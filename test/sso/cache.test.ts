import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pyDumps } from "../../src/platform/pyjson";
import {
  formatCacheTime,
  parseCacheTime,
  parseRegistration,
  parseToken,
  readToken,
  registrationCacheKey,
  registrationUsable,
  serializeRegistration,
  serializeToken,
  tokenFileName,
  writeToken,
} from "../../src/sso/cache";
import { missing } from "../helpers/tools";

const START = "https://d-1234567890.awsapps.com/start";

describe("cache file names and keys (§2.1, §2.2)", () => {
  it("token file = sha1 of session name / start URL", () => {
    expect(tokenFileName({ cacheKey: "my-sso" })).toBe("0ad374308c5a4e22f723adf10145eafad7c4031c.json");
    expect(tokenFileName({ cacheKey: START })).toBe("7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json");
  });

  it("registration key matches the CLI's verified values", () => {
    expect(
      registrationCacheKey({
        startUrl: START,
        region: "us-east-1",
        scopes: ["sso:account:access"],
        sessionName: "my-sso",
      }),
    ).toBe("a8343d65418848d0bc13a5f25cbb32508ceec5d1");
    expect(
      registrationCacheKey({ startUrl: START, region: "us-east-1", scopes: null, sessionName: null }),
    ).toBe("365414a68be7c9bfc776c660981dbdbd942acea4");
  });
});

describe("pyDumps = Python json.dumps", () => {
  it("separators, sort_keys, ensure_ascii", () => {
    expect(pyDumps({ b: [1, "x"], a: null }, { sortKeys: true })).toBe('{"a": null, "b": [1, "x"]}');
    expect(pyDumps({ k: 'é\u007f\n"/\ud83d\ude00' })).toBe('{"k": "\\u00e9\\u007f\\n\\"/\\ud83d\\ude00"}');
    expect(pyDumps({ a: 1, b: "c" }, { separators: [",", ":"] })).toBe('{"a":1,"b":"c"}');
  });

  it.skipIf(missing("python3"))("agrees with python3 json.dumps on random strings (property)", async () => {
    const { execFileSync } = await import("node:child_process");
    const samples = fc.sample(
      fc.dictionary(
        fc.string({ unit: "binary", maxLength: 8 }),
        fc.string({ unit: "binary", maxLength: 12 }),
        {
          maxKeys: 4,
        },
      ),
      { numRuns: 60, seed: 42 },
    );
    const py = execFileSync(
      "python3",
      [
        "-c",
        "import json,sys\nfor l in sys.stdin.read().splitlines(): print(json.dumps(json.loads(l), sort_keys=True))",
      ],
      { input: samples.map((s) => JSON.stringify(s)).join("\n") },
    )
      .toString()
      .split("\n")
      .filter(Boolean);
    expect(samples.map((s) => pyDumps(s, { sortKeys: true }))).toEqual(py);
  });
});

describe("times", () => {
  it("formats Z without millis and parses every writer's variant", () => {
    const d = new Date("2026-11-22T10:15:56.297Z");
    expect(formatCacheTime(d)).toBe("2026-11-22T10:15:56Z");
    for (const s of [
      "2026-11-22T10:15:56Z",
      "2026-11-22T10:15:56.000Z",
      "2026-11-22T10:15:56+00:00",
      "2026-11-22T10:15:56UTC",
      "2026-11-22T11:15:56+0100",
    ])
      expect(parseCacheTime(s)?.toISOString()).toBe("2026-11-22T10:15:56.000Z");
    expect(parseCacheTime("yesterday")).toBeUndefined();
    expect(parseCacheTime(12)).toBeUndefined();
  });
});

describe("token records", () => {
  const token = {
    startUrl: START,
    region: "us-east-1",
    accessToken: "aoa",
    expiresAt: new Date("2026-11-22T10:15:56Z"),
    clientId: "cid",
    clientSecret: "sec",
    registrationExpiresAt: new Date("2027-02-20T02:15:56Z"),
    refreshToken: "aor",
  };

  it("serializes exactly like the CLI", () => {
    expect(serializeToken(token)).toBe(
      '{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "aoa", "expiresAt": "2026-11-22T10:15:56Z", "clientId": "cid", "clientSecret": "sec", "registrationExpiresAt": "2027-02-20T02:15:56Z", "refreshToken": "aor"}',
    );
  });

  it("round-trips and reads the SDK's pretty/millis variant", () => {
    expect(parseToken(serializeToken(token))).toEqual({ status: "ok", token });
    const sdk = JSON.stringify(
      { ...token, expiresAt: "2026-11-22T10:15:56.000Z", registrationExpiresAt: undefined },
      null,
      2,
    );
    const r = parseToken(sdk);
    expect(r.status).toBe("ok");
    if (r.status === "ok") expect(r.token.expiresAt).toEqual(token.expiresAt);
  });

  it("malformed inputs are 'malformed', never thrown", () => {
    const full = serializeToken(token);
    for (const t of [
      "",
      full.slice(0, 40),
      "[]",
      "null",
      '{"accessToken": "x"}',
      '{"expiresAt": "2026-11-22T10:15:56Z"}',
    ])
      expect(parseToken(t).status).toBe("malformed");
    fc.assert(fc.property(fc.string(), (s) => ["ok", "malformed"].includes(parseToken(s).status)));
  });

  describe("on disk", () => {
    let dir: string;
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-cache-"));
    });
    afterEach(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    it("writes 0600 in a 0700 folder, no trailing newline; missing file = missing", async () => {
      const cacheDir = path.join(dir, "sso", "cache");
      expect((await readToken(cacheDir, { cacheKey: "my-sso" })).status).toBe("missing");
      await writeToken(cacheDir, { cacheKey: "my-sso" }, token);
      const file = path.join(cacheDir, "0ad374308c5a4e22f723adf10145eafad7c4031c.json");
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
      expect((await fs.stat(cacheDir)).mode & 0o777).toBe(0o700);
      expect(await fs.readFile(file, "utf8")).toBe(serializeToken(token));
      expect(await readToken(cacheDir, { cacheKey: "my-sso" })).toEqual({ status: "ok", token });
    });

    it("a truncated file reads as malformed and stays on disk", async () => {
      const file = path.join(dir, tokenFileName({ cacheKey: "s" }));
      await fs.writeFile(file, serializeToken(token).slice(0, 30));
      expect((await readToken(dir, { cacheKey: "s" })).status).toBe("malformed");
      expect(await fs.readFile(file, "utf8")).toHaveLength(30);
    });
  });
});

describe("registrations", () => {
  const now = new Date("2026-11-22T00:00:00Z");
  it("serialize/parse with the CLI's keys; reuse rules", () => {
    const reg = {
      clientId: "c",
      clientSecret: "s",
      expiresAt: new Date("2027-01-01T00:00:00Z"),
      scopes: ["sso:account:access"],
      grantTypes: ["authorization_code", "refresh_token"],
    };
    expect(serializeRegistration(reg)).toBe(
      '{"clientId": "c", "clientSecret": "s", "expiresAt": "2027-01-01T00:00:00Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}',
    );
    expect(parseRegistration(serializeRegistration(reg))).toEqual(reg);
    expect(registrationUsable(reg, "pkce", now)).toBe(true);
    expect(registrationUsable(reg, "device", now)).toBe(false);
    const device = { clientId: "c", clientSecret: "s", expiresAt: new Date(now.getTime() + 16 * 60_000) };
    expect(registrationUsable(device, "device", now)).toBe(true);
    expect(
      registrationUsable({ ...device, expiresAt: new Date(now.getTime() + 14 * 60_000) }, "device", now),
    ).toBe(false);
    expect(parseRegistration("{")).toBeUndefined();
  });
});
