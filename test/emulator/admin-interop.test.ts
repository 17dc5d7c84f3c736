import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { awsClientEnv, runAwsCli, runPython } from "../helpers/aws-clients";
import { tempHome } from "../helpers/emulator";
import { missing } from "../helpers/tools";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo" });
  home = await tempHome();
  env = {
    ...(await awsClientEnv(home.home, emu.url)),
    AWS_ACCESS_KEY_ID: "AKIAADMINEXAMPLE0001",
    AWS_SECRET_ACCESS_KEY: "admin-secret",
    AWS_DEFAULT_REGION: emu.region,
  };
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

describe.skipIf(missing("aws"))("AWS CLI v2", () => {
  it("lists the instance and permission sets, creates and describes a user, reports a conflict by type", async () => {
    const instances = await runAwsCli(["sso-admin", "list-instances", "--output", "json"], env);
    expect(instances.code, instances.stderr).toBe(0);
    const instance = JSON.parse(instances.stdout).Instances[0];
    // CLI 2.9.19's model predates Status/Name/CreatedDate: it shows only the members it knows.
    expect(instance).toEqual({
      InstanceArn: emu.store.org.instance.instanceArn,
      IdentityStoreId: "d-0000000000",
    });

    const created = await runAwsCli(
      [
        "identitystore",
        "create-user",
        "--identity-store-id",
        "d-0000000000",
        "--user-name",
        "cli-user",
        "--display-name",
        "CLI User",
        "--name",
        "GivenName=Cli,FamilyName=User",
        "--output",
        "json",
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const userId = JSON.parse(created.stdout).UserId as string;
    const described = await runAwsCli(
      [
        "identitystore",
        "describe-user",
        "--identity-store-id",
        "d-0000000000",
        "--user-id",
        userId,
        "--output",
        "json",
      ],
      env,
    );
    expect(JSON.parse(described.stdout)).toMatchObject({ UserName: "cli-user", Name: { GivenName: "Cli" } });

    const duplicate = await runAwsCli(
      [
        "identitystore",
        "create-user",
        "--identity-store-id",
        "d-0000000000",
        "--user-name",
        "cli-user",
        "--display-name",
        "CLI User",
        "--name",
        "GivenName=Cli,FamilyName=User",
      ],
      env,
    );
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toContain(
      "An error occurred (ConflictException) when calling the CreateUser operation",
    );

    const sets = await runAwsCli(
      ["sso-admin", "list-permission-sets", "--instance-arn", instance.InstanceArn, "--output", "json"],
      env,
    );
    expect(sets.code, sets.stderr).toBe(0);
    expect(JSON.parse(sets.stdout).PermissionSets).toHaveLength(emu.store.org.permissionSets.length);
  });
});

describe.skipIf(missing("boto3"))("boto3", () => {
  it("creates a permission set and assigns it to a user; the status goes IN_PROGRESS → SUCCEEDED", async () => {
    const out = await runPython(
      `
import json, boto3, botocore
ids = boto3.client("identitystore")
sso = boto3.client("sso-admin")
inst = sso.list_instances()["Instances"][0]
user = ids.create_user(IdentityStoreId=inst["IdentityStoreId"], UserName="py-user", DisplayName="Py User",
    Name={"GivenName": "Py", "FamilyName": "User"}, Extensions={"portico:emulator": {"Password": "py-password-1"}})
ps = sso.create_permission_set(InstanceArn=inst["InstanceArn"], Name="PyAccess", SessionDuration="PT4H")["PermissionSet"]
st = sso.create_account_assignment(InstanceArn=inst["InstanceArn"], TargetId="444444444444", TargetType="AWS_ACCOUNT",
    PermissionSetArn=ps["PermissionSetArn"], PrincipalType="USER", PrincipalId=user["UserId"])["AccountAssignmentCreationStatus"]
done = sso.describe_account_assignment_creation_status(InstanceArn=inst["InstanceArn"],
    AccountAssignmentCreationRequestId=st["RequestId"])["AccountAssignmentCreationStatus"]
try:
    sso.describe_permission_set(InstanceArn=inst["InstanceArn"], PermissionSetArn=ps["PermissionSetArn"][:-1] + ("1" if ps["PermissionSetArn"].endswith("0") else "0"))
    err = None
except botocore.exceptions.ClientError as e:
    err = e.response["Error"]["Code"]
print(json.dumps({"first": st["Status"], "later": done["Status"], "created": type(ps["CreatedDate"]).__name__,
    "userId": user["UserId"], "err": err}))
`,
      env,
    );
    expect(out.code, out.stderr).toBe(0);
    const r = JSON.parse(out.stdout);
    expect(r).toMatchObject({
      first: "IN_PROGRESS",
      later: "SUCCEEDED",
      created: "datetime",
      err: "ResourceNotFoundException",
    });
    const pyUser = emu.store.findUserByName("py-user")!;
    expect(pyUser.userId).toBe(r.userId);
    expect(pyUser.passwordHash).toMatch(/^scrypt\$/);
    expect(emu.store.rolesForUser(pyUser.userId, "444444444444")).toEqual(["PyAccess"]);
  });
});

describe.skipIf(missing("boto3"))("persistence", () => {
  it("admin changes survive a restart with --data", async () => {
    const dir = await tempHome();
    try {
      const dataFile = join(dir.home, "org.json");
      const first = await startEmulator({ seed: "demo", dataFile });
      const py = `
import boto3
ids = boto3.client("identitystore")
g = ids.create_group(IdentityStoreId="d-0000000000", DisplayName="Persisted")
print(g["GroupId"])
`;
      const created = await runPython(py, { ...env, AWS_ENDPOINT_URL: first.url });
      expect(created.code, created.stderr).toBe(0);
      await first.stop();
      const second = await startEmulator({ dataFile });
      try {
        expect(second.store.org.groups.find((g) => g.displayName === "Persisted")?.groupId).toBe(
          created.stdout.trim(),
        );
      } finally {
        await second.stop();
      }
    } finally {
      await dir.cleanup();
    }
  });
});
