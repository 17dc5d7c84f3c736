/**
 * identitystore + sso-admin against the running emulator over real HTTP with the real AWS SDK
 * clients, ending in the whole story: an administrator creates a user, a group and a permission set,
 * assigns the set to an account through the group, the user signs in with the device flow and gets
 * the role; deleting the assignment takes it away again ("No access").
 */
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DeleteUserCommand,
  DescribeUserCommand,
  IdentitystoreClient,
  ListGroupMembershipsCommand,
  ListGroupsCommand,
  ListUsersCommand,
  paginateListUsers,
} from "@aws-sdk/client-identitystore";
import {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  ListAccountsCommand,
  SSOClient,
} from "@aws-sdk/client-sso";
import {
  AttachManagedPolicyToPermissionSetCommand,
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  ListAccountAssignmentsCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";

let emu: RunningEmulator;
let ids: IdentitystoreClient;
let admin: SSOAdminClient;
let instanceArn: string;
let storeId: string;

const adminCredentials = { accessKeyId: "AKIAADMINEXAMPLE0001", secretAccessKey: "admin-secret" };

/** Error type and HTTP status of a rejected SDK call. */
async function failure(
  p: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", control: true });
  const common = { endpoint: emu.url, region: emu.region, credentials: adminCredentials, maxAttempts: 1 };
  ids = new IdentitystoreClient(common);
  admin = new SSOAdminClient(common);
  const instances = await admin.send(new ListInstancesCommand({}));
  expect(instances.Instances).toHaveLength(1);
  instanceArn = instances.Instances![0]!.InstanceArn!;
  storeId = instances.Instances![0]!.IdentityStoreId!;
});

afterAll(async () => {
  ids?.destroy();
  admin?.destroy();
  await emu?.stop();
});

const newUser = (userName: string, extra: Record<string, unknown> = {}) =>
  new CreateUserCommand({
    IdentityStoreId: storeId,
    UserName: userName,
    DisplayName: `${userName} Example`,
    Name: { GivenName: userName, FamilyName: "Example" },
    Emails: [{ Value: `${userName}@example.com`, Type: "work", Primary: true }],
    ...extra,
  });

describe("identitystore", () => {
  it("ListInstances describes the emulator's instance", async () => {
    const out = await admin.send(new ListInstancesCommand({}));
    const i = out.Instances![0]!;
    expect(i.InstanceArn).toMatch(/^arn:aws:sso:::instance\/ssoins-[0-9a-f]{16}$/);
    expect(i.IdentityStoreId).toBe("d-0000000000");
    expect(i.Status).toBe("ACTIVE");
    expect(i.CreatedDate).toBeInstanceOf(Date);
    expect(out.NextToken).toBeUndefined();
  });

  it("creates, describes, filters, pages and deletes users", async () => {
    const created = await ids.send(newUser("erin"));
    expect(created.UserId).toMatch(
      /^[0-9a-f]{10}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(created.IdentityStoreId).toBe(storeId);

    const described = await ids.send(
      new DescribeUserCommand({ IdentityStoreId: storeId, UserId: created.UserId }),
    );
    expect(described).toMatchObject({
      UserName: "erin",
      DisplayName: "erin Example",
      Name: { GivenName: "erin", FamilyName: "Example" },
      Emails: [{ Value: "erin@example.com", Primary: true }],
      UserStatus: "ENABLED",
    });
    expect(described.CreatedAt).toBeInstanceOf(Date);

    const filtered = await ids.send(
      new ListUsersCommand({
        IdentityStoreId: storeId,
        Filters: [{ AttributePath: "UserName", AttributeValue: "erin" }],
      }),
    );
    expect(filtered.Users?.map((u) => u.UserId)).toEqual([created.UserId]);

    // Paging one at a time visits every user exactly once (demo users + erin).
    const names: string[] = [];
    for await (const p of paginateListUsers({ client: ids, pageSize: 1 }, { IdentityStoreId: storeId })) {
      expect(p.Users!.length).toBeLessThanOrEqual(1);
      names.push(...p.Users!.map((u) => u.UserName!));
    }
    expect(names).toEqual(emu.store.org.users.map((u) => u.userName));
    expect(names).toContain("erin");

    await ids.send(new DeleteUserCommand({ IdentityStoreId: storeId, UserId: created.UserId }));
    const gone = await failure(
      ids.send(new DescribeUserCommand({ IdentityStoreId: storeId, UserId: created.UserId })),
    );
    expect(gone).toMatchObject({ name: "ResourceNotFoundException", status: 400 });
  });

  it("rejects duplicates, invalid input, unknown ids and foreign stores with the modelled exceptions", async () => {
    await ids.send(newUser("frank"));
    expect(await failure(ids.send(newUser("frank")))).toMatchObject({ name: "ConflictException" });
    expect(await failure(ids.send(newUser("FRANK")))).toMatchObject({ name: "ConflictException" });
    const noName = await failure(
      ids.send(new CreateUserCommand({ IdentityStoreId: storeId, UserName: "gina", DisplayName: "Gina" })),
    );
    expect(noName.name).toBe("ValidationException");
    expect(noName.message).toMatch(/Name/);
    expect(await failure(ids.send(newUser("has space")))).toMatchObject({ name: "ValidationException" });
    expect(
      await failure(ids.send(new DescribeUserCommand({ IdentityStoreId: storeId, UserId: "not-an-id" }))),
    ).toMatchObject({ name: "ValidationException" });
    expect(
      await failure(
        ids.send(
          new DescribeUserCommand({
            IdentityStoreId: storeId,
            UserId: "0000000000-00000000-0000-0000-0000-000000000000",
          }),
        ),
      ),
    ).toMatchObject({ name: "ResourceNotFoundException" });
    expect(await failure(ids.send(new ListUsersCommand({ IdentityStoreId: "d-9999999999" })))).toMatchObject({
      name: "ResourceNotFoundException",
    });
    expect(
      await failure(
        ids.send(
          new ListUsersCommand({
            IdentityStoreId: storeId,
            Filters: [{ AttributePath: "Title", AttributeValue: "x" }],
          }),
        ),
      ),
    ).toMatchObject({ name: "ValidationException" });
    expect(
      await failure(
        ids.send(new ListUsersCommand({ IdentityStoreId: storeId, NextToken: "bm90LWEtdG9rZW4" })),
      ),
    ).toMatchObject({ name: "ValidationException" });
    expect(
      await failure(ids.send(newUser("henry", { Extensions: { "acme:custom": { Password: "x" } } }))),
    ).toMatchObject({ name: "ValidationException" });
  });

  it("creates groups and memberships, refusing duplicates and unknown members", async () => {
    const group = await ids.send(
      new CreateGroupCommand({ IdentityStoreId: storeId, DisplayName: "Testers", Description: "QA" }),
    );
    expect(
      await failure(ids.send(new CreateGroupCommand({ IdentityStoreId: storeId, DisplayName: "testers" }))),
    ).toMatchObject({
      name: "ConflictException",
    });
    const listed = await ids.send(
      new ListGroupsCommand({
        IdentityStoreId: storeId,
        Filters: [{ AttributePath: "DisplayName", AttributeValue: "Testers" }],
      }),
    );
    expect(listed.Groups).toEqual([
      expect.objectContaining({
        GroupId: group.GroupId,
        DisplayName: "Testers",
        Description: "QA",
        IdentityStoreId: storeId,
      }),
    ]);
    const user = await ids.send(newUser("ivy"));
    const membership = await ids.send(
      new CreateGroupMembershipCommand({
        IdentityStoreId: storeId,
        GroupId: group.GroupId,
        MemberId: { UserId: user.UserId! },
      }),
    );
    expect(membership.MembershipId).toBeTruthy();
    expect(
      await failure(
        ids.send(
          new CreateGroupMembershipCommand({
            IdentityStoreId: storeId,
            GroupId: group.GroupId,
            MemberId: { UserId: user.UserId! },
          }),
        ),
      ),
    ).toMatchObject({ name: "ConflictException" });
    expect(
      await failure(
        ids.send(
          new CreateGroupMembershipCommand({
            IdentityStoreId: storeId,
            GroupId: group.GroupId,
            MemberId: { UserId: "0000000000-00000000-0000-0000-0000-000000000000" },
          }),
        ),
      ),
    ).toMatchObject({ name: "ResourceNotFoundException" });
    const members = await ids.send(
      new ListGroupMembershipsCommand({ IdentityStoreId: storeId, GroupId: group.GroupId }),
    );
    expect(members.GroupMemberships).toEqual([
      expect.objectContaining({
        MembershipId: membership.MembershipId,
        GroupId: group.GroupId,
        MemberId: { UserId: user.UserId },
      }),
    ]);
  });
});

describe("sso-admin", () => {
  it("creates, describes and lists permission sets with policies", async () => {
    const created = await admin.send(
      new CreatePermissionSetCommand({
        InstanceArn: instanceArn,
        Name: "BillingRead",
        Description: "Billing",
        SessionDuration: "PT2H",
      }),
    );
    const ps = created.PermissionSet!;
    expect(ps.PermissionSetArn).toMatch(
      /^arn:aws:sso:::permissionSet\/ssoins-[0-9a-f]{16}\/ps-[0-9a-f]{16}$/,
    );
    expect(ps).toMatchObject({ Name: "BillingRead", Description: "Billing", SessionDuration: "PT2H" });
    expect(ps.CreatedDate).toBeInstanceOf(Date);
    const described = await admin.send(
      new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: ps.PermissionSetArn }),
    );
    expect(described.PermissionSet).toMatchObject({ Name: "BillingRead", SessionDuration: "PT2H" });

    await admin.send(
      new AttachManagedPolicyToPermissionSetCommand({
        InstanceArn: instanceArn,
        PermissionSetArn: ps.PermissionSetArn,
        ManagedPolicyArn: "arn:aws:iam::aws:policy/job-function/Billing",
      }),
    );
    expect(
      await failure(
        admin.send(
          new AttachManagedPolicyToPermissionSetCommand({
            InstanceArn: instanceArn,
            PermissionSetArn: ps.PermissionSetArn,
            ManagedPolicyArn: "arn:aws:iam::aws:policy/job-function/Billing",
          }),
        ),
      ),
    ).toMatchObject({ name: "ConflictException" });
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "ce:Get*", Resource: "*" }],
    });
    await admin.send(
      new PutInlinePolicyToPermissionSetCommand({
        InstanceArn: instanceArn,
        PermissionSetArn: ps.PermissionSetArn,
        InlinePolicy: policy,
      }),
    );
    const stored = emu.store.org.permissionSets.find((p) => p.permissionSetArn === ps.PermissionSetArn)!;
    expect(stored.managedPolicies).toEqual(["arn:aws:iam::aws:policy/job-function/Billing"]);
    expect(stored.inlinePolicy).toBe(policy);
    expect(
      await failure(
        admin.send(
          new PutInlinePolicyToPermissionSetCommand({
            InstanceArn: instanceArn,
            PermissionSetArn: ps.PermissionSetArn,
            InlinePolicy: "{not json",
          }),
        ),
      ),
    ).toMatchObject({ name: "ValidationException" });

    // Paged listing visits every permission set once.
    const arns: string[] = [];
    let next: string | undefined;
    do {
      const page = await admin.send(
        new ListPermissionSetsCommand({ InstanceArn: instanceArn, MaxResults: 2, NextToken: next }),
      );
      arns.push(...page.PermissionSets!);
      next = page.NextToken;
    } while (next);
    expect(arns).toEqual(emu.store.org.permissionSets.map((p) => p.permissionSetArn));
    expect(arns).toContain(ps.PermissionSetArn);
  });

  it("rejects bad names, durations, duplicates and unknown ARNs", async () => {
    const create = (input: Partial<ConstructorParameters<typeof CreatePermissionSetCommand>[0]>) =>
      failure(admin.send(new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: "X", ...input })));
    expect(await create({ Name: "AdministratorAccess" })).toMatchObject({ name: "ConflictException" });
    expect(await create({ Name: "bad name!" })).toMatchObject({ name: "ValidationException" });
    expect(await create({ Name: "A".repeat(33) })).toMatchObject({ name: "ValidationException" });
    expect(await create({ Name: "TooLong", SessionDuration: "PT13H" })).toMatchObject({
      name: "ValidationException",
    });
    expect(await create({ Name: "Bogus", SessionDuration: "8 hours" })).toMatchObject({
      name: "ValidationException",
    });
    expect(await create({ InstanceArn: "arn:aws:sso:::instance/ssoins-0000000000000000" })).toMatchObject({
      name: "ResourceNotFoundException",
    });
    const unknownPs = `${instanceArn.replace(":instance/", ":permissionSet/")}/ps-0000000000000000`;
    expect(
      await failure(
        admin.send(
          new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: unknownPs }),
        ),
      ),
    ).toMatchObject({ name: "ResourceNotFoundException" });
  });
});

describe("the whole story", () => {
  it("user + group + permission set + assignment → device sign-in sees the role and gets credentials; removal → No access", async () => {
    // 1. The administrator creates the user (with an emulator password), a group and a permission set.
    const user = await ids.send(
      newUser("dana", { Extensions: { "portico:emulator": { Password: "dana-password-1" } } }),
    );
    const group = await ids.send(
      new CreateGroupCommand({ IdentityStoreId: storeId, DisplayName: "Auditors" }),
    );
    await ids.send(
      new CreateGroupMembershipCommand({
        IdentityStoreId: storeId,
        GroupId: group.GroupId,
        MemberId: { UserId: user.UserId! },
      }),
    );
    const ps = (
      await admin.send(
        new CreatePermissionSetCommand({
          InstanceArn: instanceArn,
          Name: "AuditAccess",
          SessionDuration: "PT1H",
        }),
      )
    ).PermissionSet!;
    await admin.send(
      new AttachManagedPolicyToPermissionSetCommand({
        InstanceArn: instanceArn,
        PermissionSetArn: ps.PermissionSetArn,
        ManagedPolicyArn: "arn:aws:iam::aws:policy/SecurityAudit",
      }),
    );

    // 2. Assign it to acme-staging through the group, and provision.
    const assignment = {
      InstanceArn: instanceArn,
      TargetId: "333333333333",
      TargetType: "AWS_ACCOUNT" as const,
      PermissionSetArn: ps.PermissionSetArn,
      PrincipalType: "GROUP" as const,
      PrincipalId: group.GroupId,
    };
    const creation = (await admin.send(new CreateAccountAssignmentCommand(assignment)))
      .AccountAssignmentCreationStatus!;
    expect(creation).toMatchObject({
      Status: "IN_PROGRESS",
      TargetId: "333333333333",
      PrincipalType: "GROUP",
    });
    const done = await admin.send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: instanceArn,
        AccountAssignmentCreationRequestId: creation.RequestId,
      }),
    );
    expect(done.AccountAssignmentCreationStatus).toMatchObject({
      Status: "SUCCEEDED",
      RequestId: creation.RequestId,
    });
    const provision = (
      await admin.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: instanceArn,
          PermissionSetArn: ps.PermissionSetArn,
          TargetType: "AWS_ACCOUNT",
          TargetId: "333333333333",
        }),
      )
    ).PermissionSetProvisioningStatus!;
    expect(provision.Status).toBe("IN_PROGRESS");
    const provisioned = await admin.send(
      new DescribePermissionSetProvisioningStatusCommand({
        InstanceArn: instanceArn,
        ProvisionPermissionSetRequestId: provision.RequestId,
      }),
    );
    expect(provisioned.PermissionSetProvisioningStatus).toMatchObject({
      Status: "SUCCEEDED",
      AccountId: "333333333333",
    });
    const listed = await admin.send(
      new ListAccountAssignmentsCommand({
        InstanceArn: instanceArn,
        AccountId: "333333333333",
        PermissionSetArn: ps.PermissionSetArn,
      }),
    );
    expect(listed.AccountAssignments).toEqual([
      {
        AccountId: "333333333333",
        PermissionSetArn: ps.PermissionSetArn,
        PrincipalType: "GROUP",
        PrincipalId: group.GroupId,
      },
    ]);

    // 3. dana signs in with the device flow (approved through the control API).
    const oidc = new SSOOIDCClient({ endpoint: emu.url, region: emu.region, maxAttempts: 1 });
    const reg = await oidc.send(
      new RegisterClientCommand({
        clientName: "admin-story",
        clientType: "public",
        scopes: ["sso:account:access"],
      }),
    );
    const dev = await oidc.send(
      new StartDeviceAuthorizationCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        startUrl: emu.startUrl,
      }),
    );
    const approve = await fetch(`${emu.url}/_emulator/approve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userCode: dev.userCode, user: "dana" }),
    });
    expect(approve.status).toBe(200);
    const token = await oidc.send(
      new CreateTokenCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: "urn:ietf:params:oauth:grant-type:device_code",
        deviceCode: dev.deviceCode,
      }),
    );
    oidc.destroy();

    // 4. The portal lists exactly the assigned account and role, and hands out credentials.
    const sso = new SSOClient({ endpoint: emu.url, region: emu.region, maxAttempts: 1 });
    const accessToken = token.accessToken!;
    const accounts = await sso.send(new ListAccountsCommand({ accessToken }));
    expect(accounts.accountList).toEqual([
      { accountId: "333333333333", accountName: "acme-staging", emailAddress: "aws-staging@acme.example" },
    ]);
    const roles = await sso.send(new ListAccountRolesCommand({ accessToken, accountId: "333333333333" }));
    expect(roles.roleList).toEqual([{ accountId: "333333333333", roleName: "AuditAccess" }]);
    const creds = (
      await sso.send(
        new GetRoleCredentialsCommand({ accessToken, accountId: "333333333333", roleName: "AuditAccess" }),
      )
    ).roleCredentials!;
    const sts = new STSClient({
      endpoint: emu.url,
      region: emu.region,
      maxAttempts: 1,
      credentials: {
        accessKeyId: creds.accessKeyId!,
        secretAccessKey: creds.secretAccessKey!,
        sessionToken: creds.sessionToken!,
      },
    });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(me.Arn).toMatch(
      /^arn:aws:sts::333333333333:assumed-role\/AWSReservedSSO_AuditAccess_[0-9a-f]{16}\/dana$/,
    );

    // 5. Removing the assignment takes the role away at once.
    const deletion = (await admin.send(new DeleteAccountAssignmentCommand(assignment)))
      .AccountAssignmentDeletionStatus!;
    expect(deletion.Status).toBe("IN_PROGRESS");
    const deleted = await admin.send(
      new DescribeAccountAssignmentDeletionStatusCommand({
        InstanceArn: instanceArn,
        AccountAssignmentDeletionRequestId: deletion.RequestId,
      }),
    );
    expect(deleted.AccountAssignmentDeletionStatus?.Status).toBe("SUCCEEDED");
    const denied = await failure(
      sso.send(
        new GetRoleCredentialsCommand({ accessToken, accountId: "333333333333", roleName: "AuditAccess" }),
      ),
    );
    expect(denied).toMatchObject({ name: "ForbiddenException", status: 403, message: "No access" });
    expect((await sso.send(new ListAccountsCommand({ accessToken }))).accountList).toEqual([]);
    expect(await failure(admin.send(new DeleteAccountAssignmentCommand(assignment)))).toMatchObject({
      name: "ResourceNotFoundException",
    });
    sso.destroy();
  });

  it("a user created with the password extension can sign in to the web pages (and only with that password)", async () => {
    await ids.send(newUser("olga", { Extensions: { "portico:emulator": { Password: "olga-password-1" } } }));
    expect(emu.store.org.users.find((u) => u.userName === "olga")?.passwordHash).toMatch(/^scrypt\$/);
    const signIn = async (password: string) => {
      const page = await fetch(`${emu.url}/signin`);
      const cookie = page.headers.getSetCookie()[0]!.split(";")[0]!;
      const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      return fetch(`${emu.url}/signin`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrf, next: "/start", username: "olga", password }).toString(),
      });
    };
    expect((await signIn("wrong-password")).status).toBe(401);
    const ok = await signIn("olga-password-1");
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("/start");
  });

  it("answers unknown operations and malformed bodies with awsJson errors", async () => {
    const call = (target: string, body: string) =>
      fetch(emu.url, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
        body,
      });
    const unknown = await call("AWSIdentityStore.Frobnicate", "{}");
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: "UnknownOperationException" });
    const notObject = await call("AWSIdentityStore.ListUsers", "[1,2]");
    expect(notObject.status).toBe(400);
    expect(await notObject.json()).toMatchObject({ __type: "ValidationException" });
  });
});
