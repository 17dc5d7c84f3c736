/**
 * `accounts` against a large generated organisation, with the portal throttling (429): every page of
 * ListAccounts and every account's ListAccountRoles arrive (SDK retries with jittered backoff), with
 * bounded concurrency and client-side pacing. In-process through the library function the command uses.
 */
import { describe, expect, it } from "vitest";
import { listAccountsAndRoles } from "../../src/portal/client";
import { tempHome, withEmulator } from "../helpers/emulator";
import { deviceSignIn, testEnv } from "./support";

describe("listAccountsAndRoles at scale", () => {
  it("300 accounts × 3 roles under a 40 TPS portal limit", async () => {
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
          // Paced: at most a few requests beyond the collective budget, each retried through.
          expect(reqs.filter((r) => r.status === 429).length).toBeLessThanOrEqual(0.05 * reqs.length);
        } finally {
          await home.cleanup();
        }
      },
    );
  });
});
