/**
 * The listener itself: routing, the control API (absent unless enabled), fault injection, input
 * limits, persistence across restarts with --data, seeds and password hashing.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ListAccountsCommand } from "@aws-sdk/client-sso";
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient } from "@aws-sdk/client-sso-oidc";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/index";
import { hashPassword, verifyPassword } from "../../emulator/passwords";
import { demoSeed, generatedSeed, orgFromSeed, parseSeedText, validateSeed } from "../../emulator/seeds";
import { resolveRegion, TokenBuckets } from "../../emulator/server";
import { withEmulator } from "../helpers/emulator";
import { deviceSignIn, oidcClient, portalClient } from "./clients";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "portico-emu-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const postJson = (url: string, body: unknown, contentType = "application/json") =>
  fetch(url, { method: "POST", headers: { "content-type": contentType }, body: JSON.stringify(body) });

describe("control API", () => {
  it("does not exist without --control", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      expect((await fetch(`${emu.url}/_emulator/requests`)).status).toBe(404);
      expect((await postJson(`${emu.url}/_emulator/reset`, {})).status).toBe(404);
    });
  });

  it("lists requests, approves device codes, sets faults and resets", async () => {
    await withEmulator({ seed: "demo", control: true }, async (emu) => {
      await deviceSignIn(emu).catch(() => undefined); // pending: CreateToken fails, that's fine
      const reqs = (await (await fetch(`${emu.url}/_emulator/requests`)).json()) as {
        service: string;
        operation: string;
        status: number;
        time: string;
      }[];
      expect(reqs.slice(0, 3).map((r) => `${r.service} ${r.operation} ${r.status}`)).toEqual([
        "sso-oidc RegisterClient 200",
        "sso-oidc StartDeviceAuthorization 200",
        "sso-oidc CreateToken 400",
      ]);
      expect(reqs[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(emu.requests()).toHaveLength(reqs.length + 1);

      const badType = await postJson(
        `${emu.url}/_emulator/approve`,
        { userCode: "X", user: "alice" },
        "text/plain",
      );
      expect(badType.status).toBe(415);
      const unknownCode = await postJson(`${emu.url}/_emulator/approve`, {
        userCode: "BBBB-CCCC",
        user: "alice",
      });
      expect(unknownCode.status).toBe(404);
      const unknownUser = await postJson(`${emu.url}/_emulator/approve`, {
        userCode: "BBBB-CCCC",
        user: "mallory",
      });
      expect(unknownUser.status).toBe(404);
      const malformed = await postJson(`${emu.url}/_emulator/approve`, { userCode: 5 });
      expect(malformed.status).toBe(400);

      const faults = await postJson(`${emu.url}/_emulator/faults`, { faultRate: 2 });
      expect(faults.status).toBe(400);
      const ok = await postJson(`${emu.url}/_emulator/faults`, { latencyMs: 5 });
      expect(await ok.json()).toEqual({ faultRate: 0, latencyMs: 5 });

      const aliceId = emu.store.findUserByName("alice")!.userId;
      emu.store.org.users = emu.store.org.users.filter((u) => u.userName !== "bob");
      emu.store.changed();
      expect((await postJson(`${emu.url}/_emulator/reset`, {})).status).toBe(200);
      const reset = (await (await fetch(`${emu.url}/_emulator/requests`)).json()) as { operation: string }[];
      expect(reset.map((r) => r.operation)).toEqual(["reset"]); // the log restarts with the reset itself
      // The org is back as seeded (same ids), bob included; live state cleared.
      const store = (emu as { store: typeof emu.store }).store;
      expect(store.findUserByName("bob")).toBeDefined();
      expect(store.findUserByName("alice")!.userId).toBe(aliceId);
      expect(Object.keys(store.state.clients)).toHaveLength(0);
    });
  });
});

describe("faults and limits", () => {
  it("fault rate 1: every API call fails with a 500 or a reset connection; the SDK sees an error, the server survives", async () => {
    await withEmulator({ seed: "demo", faultRate: 1, control: true }, async (emu) => {
      const outcomes = new Set<string>();
      // Until both kinds were seen (each call is one or the other at even odds; 200 calls of one kind
      // only: 2 in 10^60).
      let calls = 0;
      for (; calls < 200 && !(outcomes.has("500") && outcomes.has("reset")); calls++) {
        try {
          const r = await fetch(`${emu.url}/client/register`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ clientName: "x", clientType: "public" }),
          });
          outcomes.add(String(r.status));
          if (r.status === 500) expect(r.headers.get("x-amzn-errortype")).toMatch(/^InternalServerException/);
        } catch {
          outcomes.add("reset");
        }
      }
      expect(outcomes.has("200")).toBe(false);
      expect(outcomes.size).toBeGreaterThan(0);
      // Both kinds are logged under the service the answer would have named.
      const logged = emu.requests().filter((x) => x.operation.startsWith("RegisterClient"));
      expect(logged).toHaveLength(calls);
      expect(new Set(logged.map((x) => x.service))).toEqual(new Set(["sso-oidc"]));
      expect(new Set(logged.map((x) => x.status))).toEqual(new Set([500, 0]));
      await postJson(`${emu.url}/_emulator/faults`, { faultRate: 0 });
      const r = await fetch(`${emu.url}/client/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ clientName: "x", clientType: "public" }),
      });
      expect(r.status).toBe(200);
    });
  });

  it("the SDK's standard retries get through a 30% fault rate (500s and resets)", async () => {
    await withEmulator({ seed: "demo", faultRate: 0.3 }, async (emu) => {
      const oidc = new SSOOIDCClient({ region: emu.region, endpoint: emu.url, maxAttempts: 12 });
      // 40 calls: the chance that none meets a fault is 0.7^40 ≈ 1e-6.
      for (let i = 0; i < 40; i++) {
        const reg = await oidc.send(new RegisterClientCommand({ clientName: `c${i}`, clientType: "public" }));
        expect(reg.clientId).toBeDefined();
      }
      expect(emu.requests().some((r) => r.status === 500 || r.operation.endsWith("(reset)"))).toBe(true);
    });
  });

  it("refuses bodies over 1 MiB with 413 and answers unknown paths with 404", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const big = await fetch(`${emu.url}/client/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "x".repeat(1024 * 1024 + 10),
      }).catch(() => undefined);
      if (big) expect(big.status).toBe(413);
      expect((await fetch(`${emu.url}/no/such/thing`)).status).toBe(404);
      // The server still serves after that.
      expect((await fetch(`${emu.url}/assignment/accounts`)).status).toBe(401);
    });
  });

  it("survives a malformed request line", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const u = new URL(emu.url);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: u.hostname, port: u.port, path: "/%%%", method: "GET" }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
      expect([400, 404]).toContain(status);
      expect((await fetch(`${emu.url}/assignment/accounts`)).status).toBe(401);
    });
  });

  it("latency is added to API responses", async () => {
    await withEmulator({ seed: "demo", latencyMs: 150 }, async (emu) => {
      const t = Date.now();
      await fetch(`${emu.url}/assignment/accounts`);
      expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    });
  });
});

describe("--data persistence", () => {
  it("keeps org, registrations and sessions across a restart; the file is 0600 and holds no token", async () => {
    const dataFile = path.join(dir, "state", "emulator.json");
    const first = await startEmulator({ seed: "demo", autoApprove: "alice", dataFile });
    const signIn = await deviceSignIn(first);
    await first.stop();
    expect((await stat(dataFile)).mode & 0o777).toBe(0o600);
    const text = await readFile(dataFile, "utf8");
    expect(text).not.toContain(signIn.accessToken);
    expect(text).not.toContain(signIn.refreshToken!);
    expect(text).not.toContain(signIn.clientSecret);
    expect(text).not.toContain("alice-in-portico");

    const second = await startEmulator({ seed: "demo", dataFile });
    try {
      const accounts = await portalClient(second).send(
        new ListAccountsCommand({ accessToken: signIn.accessToken }),
      );
      expect(accounts.accountList).toHaveLength(4);
      const refreshed = await oidcClient(second).send(
        new CreateTokenCommand({
          clientId: signIn.clientId,
          clientSecret: signIn.clientSecret,
          grantType: "refresh_token",
          refreshToken: signIn.refreshToken!,
        }),
      );
      expect(refreshed.accessToken).toBeDefined();
    } finally {
      await second.stop();
    }
  });

  it("refuses a data file it cannot parse, and leaves it untouched", async () => {
    const dataFile = path.join(dir, "broken.json");
    await writeFile(dataFile, "{ this is not json");
    await expect(startEmulator({ seed: "demo", dataFile })).rejects.toThrow(/not valid JSON.*left untouched/);
    expect(await readFile(dataFile, "utf8")).toBe("{ this is not json");
    await writeFile(dataFile, JSON.stringify({ hello: 1 }));
    await expect(startEmulator({ seed: "demo", dataFile })).rejects.toThrow(
      /not a portico emulator data file/,
    );
  });
});

describe("seeds", () => {
  it("the demo org has the documented users, accounts and permission sets", () => {
    const org = orgFromSeed(demoSeed());
    expect(org.instance.startUrl).toBe("https://d-0000000000.awsapps.com/start");
    expect(org.instance.region).toBe("eu-north-1");
    expect(org.users.map((u) => u.userName)).toEqual(["alice", "bob", "carol"]);
    expect(org.permissionSets.map((p) => p.name)).toEqual([
      "AdministratorAccess",
      "PowerUserAccess",
      "ViewOnlyAccess",
    ]);
    expect(org.accounts).toHaveLength(4);
    expect(verifyPassword("alice-in-portico", org.users[0]!.passwordHash!)).toBe(true);
  });

  it("generated orgs have N accounts and M permission sets each", () => {
    const org = orgFromSeed(generatedSeed(30, 4), { region: "us-east-2" });
    expect(org.accounts).toHaveLength(30);
    expect(org.permissionSets.map((p) => p.name)).toEqual(["Role1", "Role2", "Role3", "Role4"]);
    expect(org.assignments).toHaveLength(30 * 5);
    expect(org.instance.region).toBe("us-east-2");
    expect(() => generatedSeed(0, 1)).toThrow(/accounts/);
  });

  it("reports every problem in a seed file with its JSON path", () => {
    expect(validateSeed(demoSeed())).toEqual([]);
    const problems = validateSeed({
      accounts: [
        { accountId: "12", accountName: "a" },
        { accountId: "12", accountName: "b" },
      ],
      users: [{ userName: "u", password: "p", passwordHash: "x" }],
      groups: [{ displayName: "g", members: ["ghost"] }],
      permissionSets: [{ name: "bad name!", sessionDuration: "8 hours" }],
      assignments: [{ account: "zzz", permissionSet: "nope", user: "u", group: "g" }],
      extra: true,
    });
    const text = problems.join("\n");
    for (const frag of [
      "(root).extra: unknown field",
      "accounts[0].accountId: must be 12 digits",
      "accounts[1].accountId: duplicate 12",
      "users[0]: give password or passwordHash, not both",
      'groups[0].members[0]: "ghost" is not a user',
      "permissionSets[0].name: must be 1-32 characters",
      "permissionSets[0].sessionDuration: must be an ISO-8601 duration",
      'assignments[0].account: "zzz" is not an account',
      "assignments[0]: give exactly one of user or group",
    ])
      expect(text).toContain(frag);
    expect(() => parseSeedText("{", "seed.json")).toThrow(/seed.json: not valid JSON/);
  });

  it("startEmulator with a seed file path; a bad file is a clear error", async () => {
    const file = path.join(dir, "seed.json");
    await writeFile(
      file,
      JSON.stringify({
        instance: { startUrl: "https://d-1234567890.awsapps.com/start", region: "us-east-1" },
        accounts: [{ accountId: "123456789012", accountName: "solo" }],
        users: [{ userName: "dana", password: "pw" }],
        permissionSets: [{ name: "Dev" }],
        assignments: [{ account: "solo", permissionSet: "Dev", user: "dana" }],
      }),
    );
    await withEmulator({ seed: file, autoApprove: "dana" }, async (emu) => {
      expect(emu.startUrl).toBe("https://d-1234567890.awsapps.com/start");
      expect(emu.region).toBe("us-east-1");
      const { accessToken } = await deviceSignIn(emu);
      const accounts = await portalClient(emu).send(new ListAccountsCommand({ accessToken }));
      expect(accounts.accountList!.map((a) => a.accountName)).toEqual(["solo"]);
    });
    await writeFile(file, JSON.stringify({ accounts: "nope" }));
    await expect(startEmulator({ seed: file })).rejects.toThrow(/accounts: must be an array/);
    await expect(startEmulator({ seed: path.join(dir, "missing.json") })).rejects.toThrow(
      /cannot read seed file/,
    );
  });

  it("rejects invalid options with a clear message", async () => {
    await expect(startEmulator({ startUrl: "http://localhost/start" })).rejects.toThrow(/https/);
    await expect(startEmulator({ region: "moon-1" })).rejects.toThrow(/region/);
    await expect(startEmulator({ faultRate: 3 })).rejects.toThrow(/fault-rate/);
    await expect(startEmulator({ accounts: 3 })).rejects.toThrow(/go together/);
    await expect(startEmulator({ lifetimes: { accessToken: 0 } })).rejects.toThrow(/lifetime/);
  });
});

describe("pure pieces", () => {
  it("hashPassword/verifyPassword: salted scrypt, constant format, wrong or malformed → false", () => {
    const h = hashPassword("s3cret");
    expect(h).toMatch(/^scrypt\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(hashPassword("s3cret")).not.toBe(h);
    expect(verifyPassword("s3cret", h)).toBe(true);
    expect(verifyPassword("s3cret!", h)).toBe(false);
    expect(verifyPassword("s3cret", "md5$abc$def")).toBe(false);
    expect(verifyPassword("s3cret", "scrypt$$")).toBe(false);
  });

  it("resolveRegion: path prefix, then AWS-style Host, else the instance region", () => {
    expect(resolveRegion("/region/us-east-1/token", "127.0.0.1:1", "eu-north-1")).toEqual({
      region: "us-east-1",
      path: "/token",
    });
    expect(resolveRegion("/token", "oidc.ap-southeast-2.amazonaws.com", "eu-north-1")).toEqual({
      region: "ap-southeast-2",
      path: "/token",
    });
    expect(resolveRegion("/token", "127.0.0.1:1", "eu-north-1")).toEqual({
      region: "eu-north-1",
      path: "/token",
    });
  });

  it("TokenBuckets: burst of `rate`, then refills at `rate` per second", () => {
    let t = 0;
    const b = new TokenBuckets(2, () => t);
    expect([b.take("a"), b.take("a"), b.take("a")]).toEqual([true, true, false]);
    expect(b.take("b")).toBe(true);
    t += 500;
    expect([b.take("a"), b.take("a")]).toEqual([true, false]);
    const slow = new TokenBuckets(0.5, () => t);
    expect([slow.take("a"), slow.take("a")]).toEqual([true, false]);
    t += 2000;
    expect(slow.take("a")).toBe(true);
  });
});
