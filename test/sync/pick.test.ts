/**
 * `portico pick`: the pure ranking (words, exact name, prefix, frecency) on 21,000 entries, and the
 * command after a sync — account names from the discovery cache with the emulator stopped (no network),
 * a QUERY that selects one profile printed alone on stdout, exit 4 with the list hint otherwise, recent
 * choices first, the 0600 history file.
 */
import { stat } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/index";
import { awsPaths } from "../../src/config/paths";
import {
  frecency,
  matchesWords,
  type PickEntry,
  pickOne,
  prepare,
  rank,
  rankAccounts,
  rankRoles,
  remember,
  roleKey,
} from "../../src/sync/pick";
import { openPickIndex } from "../../src/sync/pick-index";
import { runCli } from "../cli/support";
import { tempHome } from "../helpers/emulator";
import { signedIn } from "./support";

describe("pick ranking (pure)", () => {
  const entries: PickEntry[] = [];
  for (let i = 1; i <= 7000; i++)
    for (const r of ["Admin", "ReadOnly", "Billing"])
      entries.push({
        profile: `account-${String(i).padStart(4, "0")}-${r}`,
        accountId: String(100_000_000_000 + i),
        accountName: `account-${String(i).padStart(4, "0")}`,
        roleName: r,
      });
  const prepared = prepare(entries);
  it("every word must match; exact name first, then prefix, then frecency, then name", () => {
    expect(rank(prepared, "", {}, 0)).toHaveLength(21_000);
    expect(rank(prepared, "account-0042 readonly", {}, 0).map((e) => e.profile)).toEqual([
      "account-0042-ReadOnly",
    ]);
    expect(rank(prepared, "0042 readonly", {}, 0)).toHaveLength(111); // ids 100000000042, 10000000042x, 1000000042xx: ids match too
    const now = 10 * 86_400_000;
    let h = remember({}, "account-0007-Billing", now - 1000);
    h = remember(h, "account-0007-Billing", now - 1000);
    h = remember(h, "account-0700-Admin", now - 40 * 86_400_000);
    const r = rank(prepared, "account-000", h, now).map((e) => e.profile);
    expect(r).toHaveLength(27);
    expect(r.slice(0, 3)).toEqual([
      "account-0007-Billing", // the most frecent of the prefix matches
      "account-0001-Admin", // then by name
      "account-0001-Billing",
    ]);
    expect(rank(prepared, "100000000700", h, now)[0]!.profile).toBe("account-0700-Admin");
    expect(rank(prepared, "account-0001-admin", {}, 0)[0]!.profile).toBe("account-0001-Admin");
    expect(pickOne(rank(prepared, "account-0001-admin", {}, 0), "account-0001-admin")!.profile).toBe(
      "account-0001-Admin",
    );
    expect(pickOne(rank(prepared, "0001", {}, 0), "0001")).toBeUndefined();
    expect(frecency({ count: 2, last: now - 1000 }, now)).toBeGreaterThan(
      frecency({ count: 2, last: now - 3 * 86_400_000 }, now),
    );
  });
});

describe("the configure sso pickers' rules (the same as pick's)", () => {
  it("every typed word must occur; roles and accounts recent first, then as given", () => {
    expect(matchesWords("Prod (111111111111) prod@example.com", "111 PROD")).toBe(true);
    expect(matchesWords("Prod (111111111111)", "prod staging")).toBe(false);
    const now = 1_800_000_000_000;
    const h = {
      [roleKey("1", "Read")]: { count: 1, last: now - 1000 },
      [roleKey("2", "Admin")]: { count: 9, last: now },
    };
    expect(rankRoles("1", ["Admin", "Ops", "Read"], h, now)).toEqual(["Read", "Admin", "Ops"]);
    expect(rankRoles("3", ["Admin", "Ops", "Read"], h, now)).toEqual(["Admin", "Ops", "Read"]);
    expect(
      rankAccounts([{ accountId: "1" }, { accountId: "2" }], { "account:2": { count: 1, last: now } }, now),
    ).toEqual([{ accountId: "2" }, { accountId: "1" }]);
  });
});

describe("portico pick", () => {
  it("after a sync, with the emulator stopped: lists, picks by query, records recent choices", async () => {
    const emu = await startEmulator({ port: 0, accounts: 3, rolesPerAccount: 2, autoApprove: "alice" });
    const h = await tempHome();
    try {
      const env = await signedIn(h.home, emu);
      expect((await runCli(["sync", "--yes", "--name", "{account_id}.{role_name}"], env)).code).toBe(0);
      // The sync left the picker's index for the fast path.
      expect(openPickIndex(awsPaths(env))?.count).toBe(6);
      await emu.stop(); // pick never calls the network
      const list = await runCli(["pick", "--json"], env);
      expect(list.code, list.stderr).toBe(0);
      const all = JSON.parse(list.stdout);
      expect(all).toHaveLength(6);
      expect(all[0]).toEqual({
        profile: "100000000001.Role1",
        accountId: "100000000001",
        accountName: "account-1",
        roleName: "Role1",
        ssoSession: "acme",
      });
      const one = await runCli(["pick", "account-2", "role2"], env);
      expect(one.code, one.stderr).toBe(0);
      expect(one.stdout).toBe("100000000002.Role2\n");
      const many = await runCli(["pick", "account-2"], env);
      expect(many.code).toBe(4);
      expect(many.stderr).toContain('2 profiles match "account-2"');
      expect(many.stderr).toContain("hint: list them with: portico pick --json account-2");
      const none = await runCli(["pick", "nothing-like-this"], env);
      expect(none.code).toBe(4);
      // The last choice comes first now.
      const again = JSON.parse((await runCli(["pick", "--json"], env)).stdout);
      expect(again[0].profile).toBe("100000000002.Role2");
      const file = path.join(h.home, ".aws", "portico", "pick-history.json");
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await emu.stop().catch(() => undefined);
      await h.cleanup();
    }
  });
});
