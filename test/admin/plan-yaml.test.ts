/**
 * Plan files in YAML (docs/admin.md "Plan files"): the same desired state as JSON, applied against the
 * emulator over HTTP (a second apply changes nothing), account names resolved, unquoted account ids
 * read back as 12 digits; broken YAML and wrong values refused with file:line:column before any call.
 */
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/admin/plan";
import { assertBuilt, PORTICO, run } from "../interop/support";
import { adminFixture } from "./support";

const fx = adminFixture([
  { accountId: "011111111111", accountName: "sandbox" },
  { accountId: "222222222222", accountName: "production" },
]);
const admin = fx.admin;
const planFile = (name: string, text: string) => fx.file(name, text);

const YAML_STATE = `# the walkthrough as a desired state
users:
  - userName: jane
    email: jane@example.com
groups:
  - displayName: ReadOnly
    members: [jane]
permissionSets:
  - name: ViewOnlyAccess
    sessionDuration: PT8H
    managedPolicies: [ViewOnlyAccess]
    inlinePolicy:
      Version: "2012-10-17"
      Statement:
        - { Effect: Deny, Action: "s3:DeleteBucket", Resource: "*" }
assignments:
  - account: 011111111111   # unquoted: YAML reads a number, the plan reads 12 digits
    permissionSet: ViewOnlyAccess
    group: ReadOnly
  - account: production     # a name, resolved through Organizations ListAccounts
    permissionSet: ViewOnlyAccess
    user: jane
`;

describe("YAML plan files", () => {
  it("plan and apply a YAML file; names and unquoted ids resolve; a second apply changes nothing", async () => {
    const file = await planFile("state.yaml", YAML_STATE);
    let r = await admin("plan", file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean)).toEqual([
      "+ create user jane <jane@example.com>",
      "+ create group ReadOnly",
      "+ add jane to group ReadOnly",
      "+ create permission set ViewOnlyAccess (PT8H)",
      "+ attach arn:aws:iam::aws:policy/job-function/ViewOnlyAccess to permission set ViewOnlyAccess",
      "+ put the inline policy of permission set ViewOnlyAccess",
      "+ assign ViewOnlyAccess to group ReadOnly in 011111111111",
      "+ assign ViewOnlyAccess to user jane in 222222222222 (production)",
    ]);
    r = await admin("apply", file, "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).applied).toHaveLength(8);
    const ps = fx.emu.store.org.permissionSets.find((p) => p.name === "ViewOnlyAccess");
    expect(JSON.parse(ps?.inlinePolicy ?? "{}")).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" }],
    });
    r = await admin("apply", file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("nothing to change");
  });

  it("an account name that matches nothing names the nearest; nothing is changed", async () => {
    const file = await planFile(
      "typo.yml",
      "assignments:\n  - { account: prodution, permissionSet: ViewOnlyAccess, user: jane }\n",
    );
    const before = fx.emu.requests().length;
    const r = await admin("apply", file);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^portico: assignments\[0\]: No account named "prodution" in the organization \(nearest: production\)/m,
    );
    expect(
      fx.emu
        .requests()
        .slice(before)
        .filter((q) => /^(Create|Delete|Attach|Put)/.test(q.operation)),
    ).toEqual([]);
  });

  it("broken YAML: file:line:column for syntax, a duplicate key, a wrong value, an unknown key", async () => {
    const cases: [string, string, RegExp][] = [
      ["indent.yaml", "users:\n  - userName: a\n   email: b\n", /:3:\d+: not valid YAML: /],
      ["tab.yaml", "users:\n\t- userName: a\n", /:2:1: not valid YAML: /],
      ["dupkey.yaml", "users: []\ngroups: []\nusers: []\n", /:3:1: not valid YAML: Map keys must be unique/],
      [
        "value.yaml",
        "groups:\n  - displayName: Ops\n  - displayName: Dev\n    members: jane\n",
        /:3:5: groups\[1\]\.members must be a list of strings/,
      ],
      ["unknown.yaml", "# x\nusers: []\nassignment: []\n", /:3:1: unknown top-level key "assignment"/],
      ["dupname.yaml", "users:\n  - userName: kim\n  - userName: Kim\n", /:3:5: user "Kim" appears twice/],
      ["scalar.yaml", "just a string\n", /:1:1: the file must hold one YAML mapping/],
    ];
    for (const [name, text, want] of cases) {
      const file = await planFile(name, text);
      const r = await admin("plan", file);
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr, name).toMatch(new RegExp(`^portico: ${reEscape(file)}${want.source}`, "m"));
      expect(r.stderr, name).toMatch(/^hint: Fix the file/m);
    }
  });

  it("the built CLI (bundled yaml) plans a YAML file and reports its errors with line:column", async () => {
    assertBuilt();
    const env = { ...fx.env, PATH: process.env["PATH"] ?? "" };
    let file = await planFile("built.yaml", "users:\n  - userName: built-user\n");
    let r = await run(process.execPath, [PORTICO, "admin", "plan", file, "--profile", "mgmt"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("+ create user built-user\n");
    file = await planFile("built-broken.yaml", "users:\n - a\n  b: 1\n");
    r = await run(process.execPath, [PORTICO, "admin", "plan", file, "--profile", "mgmt"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2:4: not valid YAML: `);
  });

  it("the format follows the extension, else the first character", async () => {
    await expect(parsePlan("users: []\n", "plan")).resolves.toMatchObject({ users: [] });
    await expect(parsePlan('{"users": []}', "plan")).resolves.toMatchObject({ users: [] });
    // A .json file is JSON even when YAML would read it.
    await expect(parsePlan("users: []\n", "plan.json")).rejects.toThrow(/plan\.json:1:1: not valid JSON/);
  });
});

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
