/**
 * Test support for `portico sync`: an emulator org, an isolated HOME with a config holding
 * [sso-session acme], a device-code sign-in cached for it, and the emulator's admin API to change the
 * org between syncs (the real SDK sso-admin client over HTTP).
 */
import { readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import type { RunningEmulator } from "../../emulator/index";
import { deviceSignIn, SSO_REGION, START_URL, testEnv, writeConfig } from "../credentials/support";

export { SSO_REGION, START_URL };

export const SESSION = `[sso-session acme]
sso_start_url = ${START_URL}
sso_region = ${SSO_REGION}
sso_registration_scopes = sso:account:access
`;

export async function signedIn(
  home: string,
  emu: RunningEmulator,
  config = SESSION,
): Promise<NodeJS.ProcessEnv> {
  const env = testEnv(home, emu.url);
  await writeConfig(home, config);
  await deviceSignIn(env, "acme");
  return env;
}

export const configPath = (home: string) => path.join(home, ".aws", "config");
export const readConfig = (home: string) => readFile(configPath(home), "utf8");
export const mtime = async (home: string) => (await stat(configPath(home))).mtimeMs;

function admin(emu: RunningEmulator): SSOAdminClient {
  return new SSOAdminClient({
    region: emu.region,
    endpoint: emu.url,
    credentials: { accessKeyId: "AKIAADMINEXAMPLE0001", secretAccessKey: "admin-secret" },
  });
}

const ids = (emu: RunningEmulator, user: string, permissionSet: string) => {
  const org = emu.store.org;
  const u = org.users.find((x) => x.userName === user)!;
  const ps = org.permissionSets.find((x) => x.name === permissionSet)!;
  return { InstanceArn: org.instance.instanceArn, PermissionSetArn: ps.permissionSetArn, userId: u.userId };
};

/** Give `user` the permission set in the account directly (CreateAccountAssignment). */
export async function grant(emu: RunningEmulator, user: string, accountId: string, permissionSet: string) {
  const { InstanceArn, PermissionSetArn, userId } = ids(emu, user, permissionSet);
  const c = admin(emu);
  try {
    await c.send(
      new CreateAccountAssignmentCommand({
        InstanceArn,
        PermissionSetArn,
        TargetId: accountId,
        TargetType: "AWS_ACCOUNT",
        PrincipalType: "USER",
        PrincipalId: userId,
      }),
    );
  } finally {
    c.destroy();
  }
}

/** Remove a group's assignment (DeleteAccountAssignment). */
export async function revokeGroup(
  emu: RunningEmulator,
  group: string,
  accountId: string,
  permissionSet: string,
) {
  const org = emu.store.org;
  const g = org.groups.find((x) => x.displayName === group)!;
  const { InstanceArn, PermissionSetArn } = ids(emu, "alice", permissionSet);
  const c = admin(emu);
  try {
    await c.send(
      new DeleteAccountAssignmentCommand({
        InstanceArn,
        PermissionSetArn,
        TargetId: accountId,
        TargetType: "AWS_ACCOUNT",
        PrincipalType: "GROUP",
        PrincipalId: g.groupId,
      }),
    );
  } finally {
    c.destroy();
  }
}
