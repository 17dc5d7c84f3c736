/**
 * `--account ID|NAME` (docs/admin.md "Names resolve to ids"): names looked up with Organizations
 * ListAccounts against the emulator over HTTP — the exact name first, else the one differing only by
 * case; several → admin_ambiguous with their ids; none → admin_not_found with the nearest names; for
 * assign, access and plan files alike. An id is used as is (no ListAccounts).
 */
import { describe, expect, it } from "vitest";
import { adminFixture } from "./support";

// Organizations allows two accounts with one name; the org has 25 (more than one ListAccounts page).
const fx = adminFixture([
  { accountId: "111111111111", accountName: "prod" },
  { accountId: "222222222222", accountName: "Prod" },
  { accountId: "333333333333", accountName: "shared" },
  { accountId: "444444444444", accountName: "shared" },
  ...Array.from({ length: 21 }, (_, i) => ({
    accountId: String(500_000_000_000 + i),
    accountName: `team-${String(i).padStart(2, "0")}`,
  })),
]);
const listAccounts = () => fx.emu.requests().filter((q) => q.operation === "ListAccounts").length;

describe("--account NAME", () => {
  it("resolves exact names first, then a unique case-insensitive match, across pages", async () => {
    let r = await fx.admin("access", "--account", "prod", "--json");
    expect(r.code, r.stderr).toBe(0);
    r = await fx.admin(
      "assign",
      "--user",
      "alice",
      "--permission-set",
      "X",
      "--account",
      "TEAM-20",
      "--dry-run",
    );
    // The account resolved (the last page); the permission set is what is missing.
    expect(r.stderr).toMatch(/^portico: No permission set named "X"/m);
  });

  it("several matches: admin_ambiguous naming their ids", async () => {
    let r = await fx.admin("access", "--account", "shared");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^portico: 2 accounts are named "shared": 333333333333 \(shared\), 444444444444 \(shared\)/m,
    );
    expect(r.stderr).toMatch(/^hint: Give the account id instead, e\.g\. --account 333333333333/m);
    r = await fx.admin("access", "--account", "PROD");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("111111111111 (prod), 222222222222 (Prod)");
  });

  it("no match: admin_not_found with the nearest names; an id needs no lookup", async () => {
    let r = await fx.admin("access", "--account", "sahred");
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^portico: No account named "sahred" in the organization \(nearest: shared\)/m);
    r = await fx.admin("access", "--account", "nothing-like-it");
    expect(r.stderr).toMatch(/^portico: No account named "nothing-like-it" in the organization$/m);
    expect(r.stderr).toMatch(/^hint: Give the 12-digit account id, or an account name/m);
    const before = listAccounts();
    r = await fx.admin("access", "--account", "333333333333", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(listAccounts()).toBe(before);
  });

  it("in a plan file: the assignment's index and the same errors", async () => {
    const file = await fx.file("ambiguous.json", {
      groups: [{ displayName: "G" }],
      assignments: [{ account: "shared", permissionSet: "P", group: "G" }],
      permissionSets: [{ name: "P" }],
    });
    const r = await fx.admin("plan", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^portico: assignments\[0\]: 2 accounts are named "shared"/m);
  });
});
