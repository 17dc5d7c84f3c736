/**
 * `admin plan` / `admin apply` against the emulator over HTTP: exact changes listed, applied in
 * dependency order, a second apply changes nothing; a failure stops cleanly with what was applied and
 * what was not, and a fixed file resumes; malformed files report file:line. The pacer on a virtual clock.
 */
import { describe, expect, it } from "vitest";
import { adminRunner } from "../../src/admin/index";
import { adminFixture } from "./support";

const fx = adminFixture([
  { accountId: "111111111111", accountName: "a" },
  { accountId: "222222222222", accountName: "b" },
]);
const admin = fx.admin;
const planFile = (name: string, value: unknown) => fx.file(name, value);

const STATE = {
  users: [
    { userName: "jane", email: "jane@example.com", givenName: "Jane", familyName: "Doe" },
    { userName: "omar" },
  ],
  groups: [{ displayName: "ReadOnly", description: "read-only", members: ["jane", "omar"] }],
  permissionSets: [
    { name: "ViewOnlyAccess", sessionDuration: "PT8H", managedPolicies: ["ViewOnlyAccess"] },
    {
      name: "Deploy",
      managedPolicies: ["ReadOnlyAccess"],
      inlinePolicy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }],
      },
    },
  ],
  assignments: [
    { account: "111111111111", permissionSet: "ViewOnlyAccess", group: "ReadOnly" },
    { account: "222222222222", permissionSet: "ViewOnlyAccess", group: "ReadOnly" },
    { account: "222222222222", permissionSet: "Deploy", user: "omar" },
  ],
};

describe("admin plan / apply", () => {
  it("plan lists the exact changes; apply makes them; a second apply changes nothing", async () => {
    const file = await planFile("state.json", STATE);
    let r = await admin("plan", file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        "+ create user jane <jane@example.com>",
        "+ create user omar",
        "+ create group ReadOnly",
        "+ add jane to group ReadOnly",
        "+ add omar to group ReadOnly",
        "+ create permission set ViewOnlyAccess (PT8H)",
        "+ attach arn:aws:iam::aws:policy/job-function/ViewOnlyAccess to permission set ViewOnlyAccess",
        "+ create permission set Deploy",
        "+ attach arn:aws:iam::aws:policy/ReadOnlyAccess to permission set Deploy",
        "+ put the inline policy of permission set Deploy",
        "+ assign ViewOnlyAccess to group ReadOnly in 111111111111",
        "+ assign ViewOnlyAccess to group ReadOnly in 222222222222",
        "+ assign Deploy to user omar in 222222222222",
        "",
      ].join("\n"),
    );
    r = await admin("apply", file, "--json");
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { applied: string[]; notAttempted: string[] };
    expect(res.applied).toHaveLength(13);
    expect(res.notAttempted).toEqual([]);
    r = await admin("access", "--user", "omar", "--json");
    expect(JSON.parse(r.stdout)).toEqual([
      { accountId: "111111111111", permissionSet: "ViewOnlyAccess", via: "group ReadOnly" },
      { accountId: "222222222222", permissionSet: "Deploy", via: "direct" },
      { accountId: "222222222222", permissionSet: "ViewOnlyAccess", via: "group ReadOnly" },
    ]);
    const mutations = () =>
      fx.emu.requests().filter((q) => /^(Create|Attach|Put|Delete)/.test(q.operation)).length;
    const before = mutations();
    r = await admin("apply", file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("nothing to change");
    expect(mutations()).toBe(before);
    expect((await admin("plan", file, "--json")).stdout.trim()).toBe("[]");
  });

  it("a failure stops cleanly (applied / failed / not attempted), and the fixed file resumes", async () => {
    const bad = {
      users: [{ userName: "kim" }],
      groups: [{ displayName: "Ops", members: ["kim"] }],
      permissionSets: [{ name: "TooLong", sessionDuration: "PT13H", managedPolicies: ["ReadOnlyAccess"] }],
      assignments: [{ account: "111111111111", permissionSet: "TooLong", group: "Ops" }],
    };
    const file = await planFile("bad.json", bad);
    let r = await admin("apply", file, "--json", "--rate", "200");
    expect(r.code).toBe(6);
    const res = JSON.parse(r.stdout) as {
      applied: string[];
      failed: { change: string; code: string };
      notAttempted: string[];
    };
    expect(res.applied).toEqual(["create user kim", "create group Ops", "add kim to group Ops"]);
    expect(res.failed).toMatchObject({
      change: "create permission set TooLong (PT13H)",
      code: "admin_invalid",
    });
    expect(res.notAttempted).toEqual([
      "attach arn:aws:iam::aws:policy/ReadOnlyAccess to permission set TooLong",
      "assign TooLong to group Ops in 111111111111",
    ]);
    expect(r.stderr).toMatch(/^hint: Fix the cause, then run the same apply again/m);
    bad.permissionSets[0]!.sessionDuration = "PT12H";
    await planFile("bad.json", bad);
    r = await admin("plan", file);
    expect(r.stdout.split("\n").filter(Boolean)).toEqual([
      "+ create permission set TooLong (PT12H)",
      "+ attach arn:aws:iam::aws:policy/ReadOnlyAccess to permission set TooLong",
      "+ assign TooLong to group Ops in 111111111111",
    ]);
    r = await admin("apply", file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("applied 3 of 3 change(s)");
  });

  it("--dry-run applies nothing", async () => {
    const file = await planFile("dry.json", { users: [{ userName: "nobody" }] });
    const r = await admin("apply", file, "--dry-run");
    expect(r.stdout).toBe("+ create user nobody\n");
    expect(fx.emu.store.org.users.some((u) => u.userName === "nobody")).toBe(false);
  });

  it("malformed JSON files: file:line:column for a syntax error, for a wrong value, for an unknown key", async () => {
    let file = await planFile("broken.json", '{\n  "users": [\n    { "userName": "a" },\n  ]\n}\n');
    let r = await admin("plan", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^portico: ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:4:3: not valid JSON`, "m"),
    );
    file = await planFile(
      "wrong.json",
      '{\n  "assignments": [\n    { "account": "111111111111", "permissionSet": "X", "group": "G" },\n    { "account": "111111111111", "permissionSet": "X" }\n  ]\n}\n',
    );
    r = await admin("plan", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:4:5: assignments[1] needs exactly one of "user" or "group"`);
    file = await planFile("key.json", '{\n  "users": [],\n  "grops": []\n}\n');
    r = await admin("plan", file);
    expect(r.stderr).toContain(`${file}:3:3: unknown top-level key "grops"`);
  });
});

describe("the admin pacer: the portal's, started at the published limit (virtual clock)", () => {
  it("sends 1/rate apart, never above the limit, cuts on ThrottlingException and recovers", async () => {
    let t = 0;
    const runner = await adminRunner(20, {
      now: () => t,
      sleep: async (ms) => {
        t += ms;
      },
      random: () => 0.5,
    });
    const slots: number[] = [];
    for (let i = 0; i < 5; i++) await runner.run(async () => slots.push(t));
    expect(slots).toEqual([0, 50, 100, 150, 200]);
    expect(runner.stats().rate).toBe(20);
    // An SDK ThrottlingException (429): cut, retried, reported.
    let calls = 0;
    const throttle = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $metadata: { httpStatusCode: 429 },
    });
    const v = await runner.run(async () => {
      if (++calls < 3) throw throttle;
      return "ok";
    });
    expect(v).toBe("ok");
    expect(runner.stats()).toMatchObject({ throttled: 2 });
    expect(runner.stats().rate).toBeLessThan(20);
    for (let i = 0; i < 200; i++) await runner.run(async () => undefined);
    expect(runner.stats().rate).toBe(20);
    // A 4xx that is not a throttle fails at once.
    const conflict = Object.assign(new Error("exists"), {
      name: "ConflictException",
      $metadata: { httpStatusCode: 400 },
    });
    const sent = runner.stats().sent;
    await expect(runner.run(async () => Promise.reject(conflict))).rejects.toThrow("exists");
    expect(runner.stats().sent).toBe(sent + 1);
  });
});
