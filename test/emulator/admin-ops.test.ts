/**
 * Admin operations on a bare organisation (no server): the decisions that are awkward to reach
 * through the SDK — cascades, idempotence, paging-token scoping, bounds — with injected ids and clock.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IdSource } from "../../emulator/admin/context";
import { runAdmin } from "../../emulator/admin/index";
import type { Org } from "../../emulator/model";

const INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";

function org(): Org {
  return {
    instance: {
      instanceArn: INSTANCE,
      identityStoreId: "d-1234567890",
      startUrl: "https://d-1234567890.awsapps.com/start",
      region: "eu-north-1",
      ownerAccountId: "111111111111",
      name: "Test",
      createdDate: 1_700_000_000,
    },
    accounts: [{ accountId: "222222222222", accountName: "dev", emailAddress: "dev@example.com" }],
    users: [],
    groups: [],
    memberships: [],
    permissionSets: [],
    assignments: [],
  };
}

function counterIds(): IdSource {
  let n = 0;
  return {
    uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
    hex: (bytes) => String(++n).padStart(bytes * 2, "0"),
  };
}

function harness() {
  const store = { org: org() };
  const ids = counterIds();
  const call = (target: string, body: Record<string, unknown>) =>
    runAdmin(store, target, body, { now: () => 1_700_000_123_456, ids });
  const ok = (target: string, body: Record<string, unknown>) => {
    const r = call(target, body);
    if (r.status !== 200) throw new Error(`${target}: ${JSON.stringify(r.body)}`);
    return r.body as Record<string, unknown>;
  };
  return { store, call, ok };
}

const user = (name: string) => ({
  IdentityStoreId: "d-1234567890",
  UserName: name,
  DisplayName: name,
  Name: { GivenName: name, FamilyName: "Test" },
});

describe("admin operations on the org", () => {
  it("ids carry the identity store's prefix; timestamps are epoch seconds", () => {
    const { store, ok } = harness();
    const out = ok("AWSIdentityStore.CreateUser", user("a"));
    expect(out["UserId"]).toMatch(/^1234567890-00000000-0000-4000-8000-\d{12}$/);
    expect(store.org.users[0]!.createdAt).toBe(1_700_000_123.456);
  });

  it("DeleteUser removes the user's memberships and direct assignments", () => {
    const { store, ok } = harness();
    const u = ok("AWSIdentityStore.CreateUser", user("a"))["UserId"] as string;
    const g = ok("AWSIdentityStore.CreateGroup", { IdentityStoreId: "d-1234567890", DisplayName: "G" })[
      "GroupId"
    ] as string;
    ok("AWSIdentityStore.CreateGroupMembership", {
      IdentityStoreId: "d-1234567890",
      GroupId: g,
      MemberId: { UserId: u },
    });
    const ps = (
      ok("SWBExternalService.CreatePermissionSet", { InstanceArn: INSTANCE, Name: "P" })[
        "PermissionSet"
      ] as Record<string, string>
    ).PermissionSetArn!;
    const base = {
      InstanceArn: INSTANCE,
      TargetId: "222222222222",
      TargetType: "AWS_ACCOUNT",
      PermissionSetArn: ps,
    };
    ok("SWBExternalService.CreateAccountAssignment", { ...base, PrincipalType: "USER", PrincipalId: u });
    ok("SWBExternalService.CreateAccountAssignment", { ...base, PrincipalType: "GROUP", PrincipalId: g });
    ok("AWSIdentityStore.DeleteUser", { IdentityStoreId: "d-1234567890", UserId: u });
    expect(store.org.users).toEqual([]);
    expect(store.org.memberships).toEqual([]);
    expect(store.org.assignments).toEqual([
      { accountId: "222222222222", permissionSetArn: ps, principalType: "GROUP", principalId: g },
    ]);
  });

  it("an identical assignment is stored once; each call still gets its own request id", () => {
    const { store, ok } = harness();
    const u = ok("AWSIdentityStore.CreateUser", user("a"))["UserId"] as string;
    const ps = (
      ok("SWBExternalService.CreatePermissionSet", { InstanceArn: INSTANCE, Name: "P" })[
        "PermissionSet"
      ] as Record<string, string>
    ).PermissionSetArn!;
    const input = {
      InstanceArn: INSTANCE,
      TargetId: "222222222222",
      TargetType: "AWS_ACCOUNT",
      PermissionSetArn: ps,
      PrincipalType: "USER",
      PrincipalId: u,
    };
    const a = ok("SWBExternalService.CreateAccountAssignment", input)[
      "AccountAssignmentCreationStatus"
    ] as Record<string, string>;
    const b = ok("SWBExternalService.CreateAccountAssignment", input)[
      "AccountAssignmentCreationStatus"
    ] as Record<string, string>;
    expect(a.RequestId).not.toBe(b.RequestId);
    expect(store.org.assignments).toHaveLength(1);
  });

  it("refuses assignments to unknown accounts and principals", () => {
    const { call, ok } = harness();
    const ps = (
      ok("SWBExternalService.CreatePermissionSet", { InstanceArn: INSTANCE, Name: "P" })[
        "PermissionSet"
      ] as Record<string, string>
    ).PermissionSetArn!;
    const input = {
      InstanceArn: INSTANCE,
      TargetId: "999999999999",
      TargetType: "AWS_ACCOUNT",
      PermissionSetArn: ps,
      PrincipalType: "USER",
      PrincipalId: "1234567890-00000000-0000-4000-8000-000000000099",
    };
    expect(call("SWBExternalService.CreateAccountAssignment", input).body).toMatchObject({
      __type: "ResourceNotFoundException",
    });
    expect(
      call("SWBExternalService.CreateAccountAssignment", { ...input, TargetId: "222222222222" }).body,
    ).toMatchObject({ __type: "ResourceNotFoundException", ResourceType: "USER" });
    expect(
      call("SWBExternalService.CreateAccountAssignment", { ...input, TargetType: "ORGANIZATION" }).body,
    ).toMatchObject({ __type: "ValidationException" });
  });

  it("a NextToken only continues the listing it came from", () => {
    const { call, ok } = harness();
    for (const n of ["a", "b", "c"]) ok("AWSIdentityStore.CreateUser", user(n));
    ok("AWSIdentityStore.CreateGroup", { IdentityStoreId: "d-1234567890", DisplayName: "G1" });
    ok("AWSIdentityStore.CreateGroup", { IdentityStoreId: "d-1234567890", DisplayName: "G2" });
    const first = ok("AWSIdentityStore.ListUsers", { IdentityStoreId: "d-1234567890", MaxResults: 2 });
    expect((first["Users"] as unknown[]).length).toBe(2);
    const token = first["NextToken"] as string;
    expect(token).toMatch(/^[-a-zA-Z0-9+=/:_]+$/);
    const second = ok("AWSIdentityStore.ListUsers", {
      IdentityStoreId: "d-1234567890",
      MaxResults: 2,
      NextToken: token,
    });
    expect((second["Users"] as { UserName: string }[]).map((u) => u.UserName)).toEqual(["c"]);
    expect(second).not.toHaveProperty("NextToken");
    expect(
      call("AWSIdentityStore.ListGroups", { IdentityStoreId: "d-1234567890", NextToken: token }).body,
    ).toMatchObject({
      __type: "ValidationException",
    });
    expect(
      call("AWSIdentityStore.ListUsers", { IdentityStoreId: "d-1234567890", MaxResults: 0 }).body,
    ).toMatchObject({
      __type: "ValidationException",
    });
    expect(
      call("AWSIdentityStore.ListUsers", { IdentityStoreId: "d-1234567890", MaxResults: 101 }).body,
    ).toMatchObject({
      __type: "ValidationException",
    });
  });

  it("paging visits every item exactly once, whatever the page size (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 100 }), (users, size) => {
        const { ok } = harness();
        for (let i = 0; i < users; i++) ok("AWSIdentityStore.CreateUser", user(`u${i}`));
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const out = ok("AWSIdentityStore.ListUsers", {
            IdentityStoreId: "d-1234567890",
            MaxResults: size,
            ...(token ? { NextToken: token } : {}),
          });
          const got = (out["Users"] as { UserName: string }[]).map((u) => u.UserName);
          expect(got.length).toBeLessThanOrEqual(size);
          seen.push(...got);
          token = out["NextToken"] as string | undefined;
          expect(token).not.toBe("");
          pages++;
        } while (token);
        expect(seen).toEqual(Array.from({ length: users }, (_, i) => `u${i}`));
        expect(pages).toBe(Math.max(1, Math.ceil(users / size)));
      }),
      { numRuns: 50 },
    );
  });

  it("session durations must be 1–12 hours; default PT1H", () => {
    const { call, ok } = harness();
    const ps = ok("SWBExternalService.CreatePermissionSet", { InstanceArn: INSTANCE, Name: "P" })[
      "PermissionSet"
    ];
    expect(ps).toMatchObject({ SessionDuration: "PT1H", CreatedDate: 1_700_000_123.456 });
    let i = 0;
    for (const [duration, good] of [
      ["PT12H", true],
      ["PT90M", true],
      ["PT59M", false],
      ["P1D", false],
      ["-PT2H", false],
      ["PT12H1S", false],
    ] as const) {
      const r = call("SWBExternalService.CreatePermissionSet", {
        InstanceArn: INSTANCE,
        Name: `D${i++}`,
        SessionDuration: duration,
      });
      expect(r.status === 200, duration).toBe(good);
    }
  });

  it("never throws: non-object bodies and unknown targets are awsJson errors", () => {
    const { call } = harness();
    expect(call("AWSIdentityStore.ListUsers", [] as unknown as Record<string, unknown>)).toMatchObject({
      status: 400,
      body: { __type: "ValidationException" },
    });
    expect(call("SWBExternalService.DeleteInstance", {})).toMatchObject({
      status: 400,
      body: { __type: "UnknownOperationException" },
    });
    expect(call("AWSIdentityStore.CreateUser", { IdentityStoreId: 42 })).toMatchObject({
      status: 400,
      body: { __type: "ValidationException" },
    });
  });
});
