/**
 * `accounts` against a large generated organisation, with the portal throttling (429): every page of
 * ListAccounts and every account's ListAccountRoles arrive (SDK retries with jittered backoff), with
 * bounded concurrency. In-process through the library function the command uses.
 */
import { describe, expect, it } from "vitest";
import { listAccountsAndRoles, withThrottleRetry } from "../../src/credentials/portal";
import { tempHome, withEmulator } from "../helpers/emulator";
import { deviceSignIn, testEnv } from "./support";

describe("listAccountsAndRoles at scale", () => {
  it("500 accounts × 3 roles under a 40 TPS portal limit", async () => {
    await withEmulator(
      { accounts: 300, rolesPerAccount: 3, autoApprove: "alice", portalTps: 40 },
      async (emu) => {
        const home = await tempHome();
        try {
          const env = testEnv(home.home, emu.url);
          const { accessToken } = await deviceSignIn(env, "acme");
          const accounts = await listAccountsAndRoles(
            { region: "eu-north-1", env, loginArgs: "--sso-session acme" },
            accessToken,
            { concurrency: 8 },
          );
          expect(accounts).toHaveLength(300);
          expect(new Set(accounts.map((a) => a.accountId)).size).toBe(300);
          for (const a of accounts) expect(a.roles).toHaveLength(3);
          const reqs = emu.requests();
          expect(
            reqs.filter((r) => r.operation === "ListAccounts" && r.status === 200).length,
          ).toBeGreaterThanOrEqual(3);
          expect(reqs.filter((r) => r.operation === "ListAccountRoles" && r.status === 200)).toHaveLength(
            300,
          );
          // The limit was actually hit, and retried through.
          expect(reqs.filter((r) => r.status === 429).length).toBeGreaterThan(0);
        } finally {
          await home.cleanup();
        }
      },
    );
  });
});

describe("withThrottleRetry", () => {
  const throttle = Object.assign(new Error("Too many requests"), {
    name: "TooManyRequestsException",
    $metadata: { httpStatusCode: 429 },
  });
  it("retries throttling with growing, jittered waits, then succeeds", async () => {
    const waits: number[] = [];
    let calls = 0;
    const out = await withThrottleRetry(
      async () => {
        calls++;
        if (calls < 4) throw throttle;
        return "ok";
      },
      { sleep: async (ms) => void waits.push(ms), baseMs: 100, capMs: 1000 },
    );
    expect(out).toBe("ok");
    expect(waits).toHaveLength(3);
    for (const [i, w] of waits.entries()) expect(w).toBeLessThanOrEqual(Math.min(1000, 100 * 2 ** i));
  });
  it("gives up after the attempts, and never retries other errors", async () => {
    let calls = 0;
    await expect(
      withThrottleRetry(
        async () => {
          calls++;
          throw throttle;
        },
        { attempts: 2, sleep: async () => {} },
      ),
    ).rejects.toBe(throttle);
    expect(calls).toBe(3);
    const other = new Error("no");
    calls = 0;
    await expect(
      withThrottleRetry(
        async () => {
          calls++;
          throw other;
        },
        { sleep: async () => {} },
      ),
    ).rejects.toBe(other);
    expect(calls).toBe(1);
  });
});
