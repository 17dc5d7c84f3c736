/**
 * The admin walkthrough (docs/admin.md) end to end with the real CLI against the emulator over HTTP:
 * create a user, a group and a ViewOnlyAccess permission set, assign group + set to an account, add the
 * user to the group; the user signs in with portico (device code, approved as that user), `portico
 * accounts` lists the account and `portico whoami` shows the AWSReservedSSO_ViewOnlyAccess_<hex> role.
 * Then the lookups, the collisions and ambiguity errors, --dry-run, and taking it all away again.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { orgFromSeed } from "../../emulator/seeds";
import { runCli } from "../cli/support";
import { testEnv } from "../credentials/support";
import { tempHome } from "../helpers/emulator";
import { guideSteps } from "./support";

const ACCOUNT = "444455556666";
let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emu = await startEmulator({
    seed: orgFromSeed({
      accounts: [
        { accountId: ACCOUNT, accountName: "workloads" },
        { accountId: "777788889999", accountName: "other" },
      ],
    }),
    autoApprove: "jane",
  });
  home = await tempHome();
  env = testEnv(home.home, emu.url);
  await fs.mkdir(path.join(home.home, ".aws"), { mode: 0o700 });
  await fs.writeFile(
    path.join(home.home, ".aws/config"),
    `[profile mgmt]\nregion = ${emu.region}\n\n[sso-session corp]\nsso_start_url = ${emu.startUrl}\nsso_region = ${emu.region}\nsso_registration_scopes = sso:account:access\n\n[profile jane-ro]\nsso_session = corp\nsso_account_id = ${ACCOUNT}\nsso_role_name = ViewOnlyAccess\nregion = ${emu.region}\n`,
    { mode: 0o600 },
  );
  await fs.writeFile(
    path.join(home.home, ".aws/credentials"),
    "[mgmt]\naws_access_key_id = AKIAADMINEXAMPLE0001\naws_secret_access_key = admin-secret-value\n",
    { mode: 0o600 },
  );
});
afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

const admin = (...args: string[]) => runCli(["admin", ...args, "--profile", "mgmt"], env);

describe("the admin walkthrough", () => {
  it("user, group, ViewOnlyAccess permission set, assignment, membership; then the user signs in and is who the guide says", async () => {
    const steps = guideSteps(ACCOUNT, { json: true });
    let r = await admin(...steps.user);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^[0-9a-f]{10}-[0-9a-f-]{36}$/);
    expect(r.stderr).toContain("created user jane");
    r = await admin(...steps.group);
    expect(r.code, r.stderr).toBe(0);
    r = await admin(...steps.permissionSet);
    expect(r.code, r.stderr).toBe(0);
    const ps = JSON.parse(r.stdout) as { permissionSetArn: string; managedPolicies: string[] };
    expect(ps.managedPolicies).toEqual(["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"]);
    expect(ps.permissionSetArn).toMatch(
      /^arn:aws:sso:::permissionSet\/ssoins-[0-9a-f]{16}\/ps-[0-9a-f]{16}$/,
    );
    r = await admin(...steps.assign);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/assign ViewOnlyAccess to group ReadOnly in 444455556666: IN_PROGRESS\n/);
    expect(r.stderr).toMatch(/: SUCCEEDED\n/);
    r = await admin(...steps.member);
    expect(r.code, r.stderr).toBe(0);

    // The user signs in with portico; the device code is approved as jane (emulator auto-approve).
    r = await runCli(["login", "--profile", "jane-ro", "--device-code", "--no-browser"], env);
    expect(r.code, r.stderr).toBe(0);
    r = await runCli(["accounts", "--profile", "jane-ro", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const accounts = (JSON.parse(r.stdout) as { accounts: { accountId: string; roles: unknown[] }[] })
      .accounts;
    expect(accounts.map((a) => a.accountId)).toEqual([ACCOUNT]);
    expect(JSON.stringify(accounts)).toContain("ViewOnlyAccess");
    r = await runCli(["whoami", "--profile", "jane-ro", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const who = JSON.parse(r.stdout) as { arn: string; permissionSet: string };
    expect(who.arn).toMatch(
      new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_ViewOnlyAccess_[0-9a-f]{16}/jane$`),
    );
    expect(who.permissionSet).toBe("ViewOnlyAccess");
  });

  it("lookups: a user's access through their group, and who has what in the account", async () => {
    let r = await admin("access", "--user", "jane", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { accountId: ACCOUNT, permissionSet: "ViewOnlyAccess", via: "group ReadOnly" },
    ]);
    r = await admin(
      "assign",
      "--user",
      "jane",
      "--permission-set",
      "ViewOnlyAccess",
      "--account",
      "777788889999",
    );
    expect(r.code, r.stderr).toBe(0);
    r = await admin("access", "--user", "jane");
    expect(r.stdout).toMatch(
      /^ACCOUNT +PERMISSION SET +VIA\n444455556666 +ViewOnlyAccess +group ReadOnly\n777788889999 +ViewOnlyAccess +direct\n$/,
    );
    r = await admin("access", "--account", ACCOUNT, "--json");
    expect(JSON.parse(r.stdout)).toMatchObject([
      { permissionSet: "ViewOnlyAccess", principalType: "GROUP", principal: "ReadOnly" },
    ]);
    r = await admin("groups", "show", "ReadOnly", "--json");
    expect(JSON.parse(r.stdout)).toMatchObject({ displayName: "ReadOnly", members: ["jane"] });
    r = await admin("permission-sets", "show", "ViewOnlyAccess", "--json");
    expect(JSON.parse(r.stdout)).toMatchObject({
      name: "ViewOnlyAccess",
      sessionDuration: "PT8H",
      managedPolicies: ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"],
    });
  });

  it("assigning twice changes nothing; --dry-run changes nothing", async () => {
    let r = await admin(
      "assign",
      "--group",
      "ReadOnly",
      "--permission-set",
      "ViewOnlyAccess",
      "--account",
      ACCOUNT,
      "--json",
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "ALREADY_ASSIGNED" });
    r = await admin("users", "create", "zoe", "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("dry run: would have created user zoe");
    r = await admin("users", "show", "zoe");
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^portico: No user named "zoe"/m);
    r = await admin(
      "unassign",
      "--user",
      "jane",
      "--permission-set",
      "ViewOnlyAccess",
      "--account",
      "777788889999",
      "--dry-run",
      "--json",
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "DRY_RUN", dryRun: true });
    expect(emu.store.org.assignments.some((a) => a.accountId === "777788889999")).toBe(true);
  });

  it("collisions and bad input: a second user jane, a permission set still assigned, an account name, an unknown policy name", async () => {
    let r = await admin("users", "create", "jane");
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^portico: CreateUser: A user with UserName jane already exists/m);
    r = await admin("permission-sets", "delete", "ViewOnlyAccess");
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/still assigned/);
    r = await admin(
      "assign",
      "--user",
      "jane",
      "--permission-set",
      "ViewOnlyAccess",
      "--account",
      "workload",
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^portico: No account named "workload" in the organization \(nearest: workloads\)/m,
    );
    expect(r.stderr).toMatch(/^hint: Did you mean --account "workloads"\?/m);
    // Names resolve (Organizations ListAccounts), case-insensitively when only the case differs.
    r = await admin(
      "assign",
      "--user",
      "jane",
      "--permission-set",
      "ViewOnlyAccess",
      "--account",
      "Workloads",
      "--dry-run",
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ accountId: ACCOUNT });
    r = await admin("access", "--account", "other", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(r.stdout))).toBe(
      JSON.stringify(JSON.parse((await admin("access", "--account", "777788889999", "--json")).stdout)),
    );
    r = await admin("permission-sets", "create", "X", "--managed-policy", "not a policy");
    expect(r.code).toBe(2);
    r = await runCli(
      [
        "admin",
        "users",
        "list",
        "--profile",
        "mgmt",
        "--instance-arn",
        "arn:aws:sso:::instance/ssoins-0000000000000000",
      ],
      env,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^portico: No Identity Center instance/m);
  });

  it("taking it away: unassign, remove-member, delete; the user then sees no account", async () => {
    for (const args of [
      ["unassign", "--user", "jane", "--permission-set", "ViewOnlyAccess", "--account", "777788889999"],
      ["unassign", "--group", "ReadOnly", "--permission-set", "ViewOnlyAccess", "--account", ACCOUNT],
      ["groups", "remove-member", "ReadOnly", "jane"],
      ["groups", "delete", "ReadOnly"],
      ["permission-sets", "delete", "ViewOnlyAccess"],
    ]) {
      const r = await admin(...args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    }
    const r = await runCli(["accounts", "--profile", "jane-ro", "--json"], env);
    expect(JSON.parse(r.stdout).accounts).toEqual([]);
    expect((await admin("users", "delete", "jane")).code).toBe(0);
    expect((await admin("users", "list", "--json")).stdout.trim()).toBe("[]");
  });
});
