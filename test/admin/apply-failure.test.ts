/**
 * `admin apply` under throttling and server faults (docs/admin.md "Rate", "Failure"), against the
 * emulator over HTTP: throttled by --admin-tps it slows down, retries and finishes with nothing failed,
 * reporting the throttles; when the service keeps failing (5xx and resets) it stops, reports what was
 * applied, every change that failed and what was not attempted, and the same plan resumes afterwards.
 */
import { describe, expect, it } from "vitest";
import { type AdminClients, createAdminClients } from "../../src/admin/api";
import { Admin, openAdmin } from "../../src/admin/index";
import { applyPlan, computePlan, type DesiredState, describeChange } from "../../src/admin/plan";
import { createPacedRunner } from "../../src/portal/paced";
import { adminFixture } from "./support";

const ACCOUNTS = Array.from({ length: 6 }, (_, i) => `10000000000${i}`);
const fx = adminFixture(
  ACCOUNTS.map((accountId, i) => ({ accountId, accountName: `acct-${i}` })),
  { adminTps: 5, control: true },
);

const setFaults = async (faultRate: number) => {
  const r = await fetch(`${fx.emu.url}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ faultRate }),
  });
  expect(r.status).toBe(200);
};

const state = (group: string, permissionSet: string): DesiredState => ({
  users: [{ userName: `${group}-u1` }, { userName: `${group}-u2` }],
  groups: [{ displayName: group, members: [`${group}-u1`, `${group}-u2`] }],
  permissionSets: [{ name: permissionSet, managedPolicies: ["ReadOnlyAccess"] }],
  assignments: ACCOUNTS.map((account) => ({ account, permissionSet, group })),
});

const assigned = (permissionSet: string) => {
  const arn = fx.emu.store.org.permissionSets.find((p) => p.name === permissionSet)?.permissionSetArn;
  return fx.emu.store.org.assignments.filter((a) => a.permissionSetArn === arn).map((a) => a.accountId);
};

describe("admin apply under throttling and faults", () => {
  it("throttled (--admin-tps 5, --rate 20): slows down, retries, finishes with 0 failures, reports the throttles", async () => {
    const file = await fx.file("throttled.json", state("Throttled", "Slow"));
    // Let the emulator's bucket fill first: the burst then the throttling are the same every run.
    await new Promise((r) => setTimeout(r, 1100));
    const r = await fx.admin("apply", file, "--json", "--rate", "20");
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.failed).toBeUndefined();
    expect(res.notAttempted).toEqual([]);
    // 2 users, 1 group, 2 memberships, 1 permission set, 1 policy, 6 assignments
    expect(res.applied).toHaveLength(7 + ACCOUNTS.length);
    expect(res.calls.throttled).toBeGreaterThan(0);
    expect(fx.emu.requests().some((q) => q.status === 429)).toBe(true);
    expect(assigned("Slow").sort()).toEqual(ACCOUNTS);
  });

  it("5xx and resets that outlast the retries: stops, reports every failure and what was not attempted; the same plan resumes", async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const opened = await openAdmin({ env: fx.env, now: () => new Date() }, { profile: "mgmt" }, { rate: 20 });
    // The service starts failing (every request: 500 or a reset) just before the third assignment.
    let creates = 0;
    const api: AdminClients = {
      ...opened.api,
      sso: async (op, input) => {
        if (op === "CreateAccountAssignment" && ++creates === 3) await setFaults(1);
        return opened.api.sso(op, input);
      },
    };
    const admin = new Admin(api, opened.instanceArn, opened.identityStoreId, opened.region);
    try {
      const want = state("Faulty", "Flaky");
      const changes = await computePlan(admin, want);
      const r = await applyPlan(admin, changes, { concurrency: 1 });
      expect(r.failed?.change).toBe(`assign Flaky to group Faulty in ${ACCOUNTS[2]}`);
      expect(["service_error", "service_unreachable"]).toContain(r.failed?.code);
      expect(r.applied.slice(-2)).toEqual([
        `assign Flaky to group Faulty in ${ACCOUNTS[0]}`,
        `assign Flaky to group Faulty in ${ACCOUNTS[1]}`,
      ]);
      expect(r.notAttempted).toEqual(ACCOUNTS.slice(3).map((a) => `assign Flaky to group Faulty in ${a}`));
      expect(r.calls?.faults).toBeGreaterThanOrEqual(4);
      expect(r.applied.length + 1 + r.notAttempted.length).toBe(changes.length);
      expect(assigned("Flaky").sort()).toEqual(ACCOUNTS.slice(0, 2));

      // The service recovers: the same desired state plans only what is missing, and applies it.
      await setFaults(0);
      const rest = await computePlan(admin, want);
      expect(rest.map((c) => c.kind)).toEqual(Array(ACCOUNTS.length - 2).fill("assign"));
      const again = await applyPlan(admin, rest);
      expect(again.failed).toBeUndefined();
      expect(assigned("Flaky").sort()).toEqual(ACCOUNTS);
    } finally {
      await setFaults(0);
      opened.api.destroy();
    }
  });

  it("with changes in flight when one fails, every failure is reported (none left unreported)", async () => {
    await new Promise((r) => setTimeout(r, 1100));
    // The reporting, not the back-off, is under test here: a runner with short pauses.
    const region = fx.emu.region;
    const base = await createAdminClients({
      env: fx.env,
      region,
      credentials: { accessKeyId: "AKIAADMINEXAMPLE0001", secretAccessKey: "admin-secret-value" },
      maxAttempts: 1,
      runner: createPacedRunner({ config: { startRate: 20, maxRate: 20, backoffCapMs: 50 }, attempts: 2 }),
    });
    const inst = ((await base.sso("ListInstances", {}))["Instances"] as Record<string, string>[])[0]!;
    const opened = new Admin(base, inst["InstanceArn"]!, inst["IdentityStoreId"]!, region);
    let creates = 0;
    const api: AdminClients = {
      ...opened.api,
      sso: async (op, input) => {
        if (op === "CreateAccountAssignment" && ++creates === 1) await setFaults(1);
        return opened.api.sso(op, input);
      },
    };
    const admin = new Admin(api, opened.instanceArn, opened.identityStoreId, opened.region);
    try {
      const changes = await computePlan(admin, state("Parallel", "Wide"));
      const r = await applyPlan(admin, changes, { concurrency: 4 });
      const failed = [r.failed!, ...(r.alsoFailed ?? [])].map((f) => f.change);
      expect(failed.length).toBeGreaterThanOrEqual(1);
      // Applied, failed and not attempted together are exactly the plan: nothing unreported.
      const all = [...r.applied, ...failed, ...r.notAttempted];
      expect(all.sort()).toEqual(changes.map((c) => describeChange(c)).sort());
      // More than one was in flight when the service failed: the others are reported too.
      expect(failed.length).toBeGreaterThan(1);
    } finally {
      await setFaults(0);
      opened.api.destroy();
    }
  });
});
