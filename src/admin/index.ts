/**
 * `portico admin`: the Identity Center administration walkthrough as functions (docs/admin.md).
 * Credentials come from any profile (src/credentials/resolve.ts); the instance and identity store are
 * discovered with ListInstances unless given; names resolve to ids with a clear error when a name is
 * unknown or ambiguous. Every mutating function takes `dryRun` (names are still resolved, nothing changes).
 */
import type { SectionView } from "../config/load";
import { ExitCode, PorticoError, usageError } from "../errors";
import type { AdminClients } from "./api";

export interface AdminDeps {
  env: NodeJS.ProcessEnv;
  now: () => Date;
}

export interface AdminTarget {
  profile?: string;
  region?: string;
  instanceArn?: string;
}

export interface User {
  userId: string;
  userName: string;
  displayName?: string;
  email?: string;
}
export interface Group {
  groupId: string;
  displayName: string;
  description?: string;
}
export interface PermissionSet {
  arn: string;
  name: string;
  description?: string;
  sessionDuration?: string;
}
export interface Assignment {
  accountId: string;
  permissionSetArn: string;
  principalType: "USER" | "GROUP";
  principalId: string;
}

/** Job-function policies live under `policy/job-function/` (IAM User Guide "AWS managed policies for job functions"). */
const JOB_FUNCTIONS = new Set([
  "Billing",
  "DatabaseAdministrator",
  "DataScientist",
  "NetworkAdministrator",
  "SupportUser",
  "SystemAdministrator",
  "ViewOnlyAccess",
]);

/** `ViewOnlyAccess` → `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`; `ReadOnlyAccess` → `…:policy/ReadOnlyAccess`; an ARN as is. */
export function managedPolicyArn(nameOrArn: string, partition = "aws"): string {
  if (nameOrArn.startsWith("arn:")) return nameOrArn;
  if (!/^[\w+=,.@-]+$/.test(nameOrArn))
    throw usageError(
      `"${nameOrArn}" is not a managed policy name or ARN`,
      "e.g. --managed-policy ViewOnlyAccess or --managed-policy arn:aws:iam::aws:policy/ReadOnlyAccess",
    );
  return `arn:${partition}:iam::aws:policy/${JOB_FUNCTIONS.has(nameOrArn) ? "job-function/" : ""}${nameOrArn}`;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function notFound(kind: string, name: string, list: string): PorticoError {
  return new PorticoError("admin_not_found", `No ${kind} named "${name}"`, {
    exitCode: ExitCode.config,
    hint: `See them with: portico admin ${list} list`,
  });
}

/** The region the admin APIs are called in: --region, else the profile's sso-session region, else its sso_region, else its region. */
export function adminRegion(
  flag: string | undefined,
  profile: SectionView | undefined,
  sessions: Map<string, SectionView>,
  resolvedRegion: string | undefined,
): string | undefined {
  if (flag) return flag;
  const sess = profile ? str(profile.values["sso_session"]) : undefined;
  const sessRegion = sess ? str(sessions.get(sess)?.values["sso_region"]) : undefined;
  return sessRegion ?? (profile ? str(profile.values["sso_region"]) : undefined) ?? resolvedRegion;
}

export class Admin {
  private psCache: PermissionSet[] | undefined;
  private readonly userCache = new Map<string, User>();
  private readonly groupCache = new Map<string, Group>();
  constructor(
    readonly api: AdminClients,
    readonly instanceArn: string,
    readonly identityStoreId: string,
    readonly region: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  get partition(): string {
    return this.instanceArn.split(":")[1] ?? "aws";
  }

  private async pages<T>(
    call: (token: string | undefined) => Promise<Record<string, unknown>>,
    key: string,
  ): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    do {
      const r = await call(token);
      out.push(...((r[key] as T[] | undefined) ?? []));
      token = str(r["NextToken"]);
    } while (token);
    return out;
  }

  // ------------------------------------------------------------------ users
  async listUsers(): Promise<User[]> {
    const raw = await this.pages<Record<string, unknown>>(
      (t) =>
        this.api.ids("ListUsers", {
          IdentityStoreId: this.identityStoreId,
          MaxResults: 100,
          ...(t ? { NextToken: t } : {}),
        }),
      "Users",
    );
    return raw.map(userOf);
  }

  async findUser(name: string): Promise<User> {
    const cached = this.userCache.get(name);
    if (cached) return cached;
    const raw = await this.pages<Record<string, unknown>>(
      (t) =>
        this.api.ids("ListUsers", {
          IdentityStoreId: this.identityStoreId,
          Filters: [{ AttributePath: "UserName", AttributeValue: name }],
          ...(t ? { NextToken: t } : {}),
        }),
      "Users",
    );
    if (raw.length === 0) throw notFound("user", name, "users");
    if (raw.length > 1)
      throw new PorticoError("admin_ambiguous", `${raw.length} users match "${name}"`, {
        exitCode: ExitCode.usage,
        hint: "Give the exact user name (portico admin users list).",
      });
    const u = userOf(raw[0]!);
    this.userCache.set(name, u);
    return u;
  }

  async createUser(
    name: string,
    o: { email?: string; givenName?: string; familyName?: string; displayName?: string; password?: string },
    dryRun: boolean,
  ): Promise<{ userId?: string; dryRun: boolean }> {
    const given = o.givenName ?? name.split(/[@.]/)[0] ?? name;
    const family = o.familyName ?? (name.split(/[@.]/)[1] || name);
    const input: Record<string, unknown> = {
      IdentityStoreId: this.identityStoreId,
      UserName: name,
      DisplayName: o.displayName ?? `${given} ${family}`,
      Name: { GivenName: given, FamilyName: family },
      ...(o.email ? { Emails: [{ Value: o.email, Type: "work", Primary: true }] } : {}),
      ...(o.password ? { Extensions: { "portico:emulator": { Password: o.password } } } : {}),
    };
    if (dryRun) return { dryRun };
    const r = await this.api.ids("CreateUser", input);
    return { userId: str(r["UserId"])!, dryRun };
  }

  async deleteUser(name: string, dryRun: boolean): Promise<{ userId: string; dryRun: boolean }> {
    const u = await this.findUser(name);
    if (!dryRun)
      await this.api.ids("DeleteUser", { IdentityStoreId: this.identityStoreId, UserId: u.userId });
    return { userId: u.userId, dryRun };
  }

  // ------------------------------------------------------------------ groups
  async listGroups(): Promise<Group[]> {
    const raw = await this.pages<Record<string, unknown>>(
      (t) =>
        this.api.ids("ListGroups", {
          IdentityStoreId: this.identityStoreId,
          MaxResults: 100,
          ...(t ? { NextToken: t } : {}),
        }),
      "Groups",
    );
    return raw.map(groupOf);
  }

  async findGroup(name: string): Promise<Group> {
    const cached = this.groupCache.get(name);
    if (cached) return cached;
    const raw = await this.pages<Record<string, unknown>>(
      (t) =>
        this.api.ids("ListGroups", {
          IdentityStoreId: this.identityStoreId,
          Filters: [{ AttributePath: "DisplayName", AttributeValue: name }],
          ...(t ? { NextToken: t } : {}),
        }),
      "Groups",
    );
    if (raw.length === 0) throw notFound("group", name, "groups");
    if (raw.length > 1)
      throw new PorticoError("admin_ambiguous", `${raw.length} groups are named "${name}"`, {
        exitCode: ExitCode.usage,
        hint: "Rename one of them in Identity Center; portico cannot tell them apart by name.",
      });
    const g = groupOf(raw[0]!);
    this.groupCache.set(name, g);
    return g;
  }

  async createGroup(
    name: string,
    description: string | undefined,
    dryRun: boolean,
  ): Promise<{ groupId?: string; dryRun: boolean }> {
    if (dryRun) return { dryRun };
    const r = await this.api.ids("CreateGroup", {
      IdentityStoreId: this.identityStoreId,
      DisplayName: name,
      ...(description ? { Description: description } : {}),
    });
    return { groupId: str(r["GroupId"])!, dryRun };
  }

  async deleteGroup(name: string, dryRun: boolean): Promise<{ groupId: string; dryRun: boolean }> {
    const g = await this.findGroup(name);
    if (!dryRun)
      await this.api.ids("DeleteGroup", { IdentityStoreId: this.identityStoreId, GroupId: g.groupId });
    return { groupId: g.groupId, dryRun };
  }

  async members(group: Group): Promise<{ membershipId: string; userId: string }[]> {
    const raw = await this.pages<Record<string, unknown>>(
      (t) =>
        this.api.ids("ListGroupMemberships", {
          IdentityStoreId: this.identityStoreId,
          GroupId: group.groupId,
          ...(t ? { NextToken: t } : {}),
        }),
      "GroupMemberships",
    );
    return raw.map((m) => ({
      membershipId: str(m["MembershipId"])!,
      userId: str((m["MemberId"] as Record<string, unknown> | undefined)?.["UserId"]) ?? "",
    }));
  }

  async groupsOf(user: User): Promise<string[]> {
    const raw = await this.pages<Record<string, unknown>>(
      (t) =>
        this.api.ids("ListGroupMembershipsForMember", {
          IdentityStoreId: this.identityStoreId,
          MemberId: { UserId: user.userId },
          ...(t ? { NextToken: t } : {}),
        }),
      "GroupMemberships",
    );
    return raw.map((m) => str(m["GroupId"])!).filter(Boolean);
  }

  async addMember(
    groupName: string,
    userName: string,
    dryRun: boolean,
  ): Promise<{ membershipId?: string; already: boolean; dryRun: boolean }> {
    const [g, u] = await Promise.all([this.findGroup(groupName), this.findUser(userName)]);
    if ((await this.members(g)).some((m) => m.userId === u.userId)) return { already: true, dryRun };
    if (dryRun) return { already: false, dryRun };
    const r = await this.api.ids("CreateGroupMembership", {
      IdentityStoreId: this.identityStoreId,
      GroupId: g.groupId,
      MemberId: { UserId: u.userId },
    });
    return { membershipId: str(r["MembershipId"])!, already: false, dryRun };
  }

  async removeMember(
    groupName: string,
    userName: string,
    dryRun: boolean,
  ): Promise<{ removed: boolean; dryRun: boolean }> {
    const [g, u] = await Promise.all([this.findGroup(groupName), this.findUser(userName)]);
    const m = (await this.members(g)).find((x) => x.userId === u.userId);
    if (!m) return { removed: false, dryRun };
    if (!dryRun)
      await this.api.ids("DeleteGroupMembership", {
        IdentityStoreId: this.identityStoreId,
        MembershipId: m.membershipId,
      });
    return { removed: true, dryRun };
  }

  // ------------------------------------------------------------------ permission sets
  async listPermissionSets(): Promise<PermissionSet[]> {
    if (this.psCache) return this.psCache;
    const arns = await this.pages<string>(
      (t) =>
        this.api.sso("ListPermissionSets", {
          InstanceArn: this.instanceArn,
          MaxResults: 100,
          ...(t ? { NextToken: t } : {}),
        }),
      "PermissionSets",
    );
    const out: PermissionSet[] = [];
    for (let i = 0; i < arns.length; i += 8) {
      const batch = await Promise.all(
        arns
          .slice(i, i + 8)
          .map((arn) =>
            this.api.sso("DescribePermissionSet", { InstanceArn: this.instanceArn, PermissionSetArn: arn }),
          ),
      );
      for (const r of batch) out.push(psOf(r["PermissionSet"] as Record<string, unknown>));
    }
    this.psCache = out;
    return out;
  }

  async findPermissionSet(name: string): Promise<PermissionSet> {
    const all = await this.listPermissionSets();
    const hit = all.filter((p) => p.name === name || p.arn === name);
    if (hit.length === 0) throw notFound("permission set", name, "permission-sets");
    return hit[0]!;
  }

  async showPermissionSet(
    name: string,
  ): Promise<PermissionSet & { managedPolicies: string[]; inlinePolicy?: string }> {
    const ps = await this.findPermissionSet(name);
    const pols = await this.pages<Record<string, unknown>>(
      (t) =>
        this.api.sso("ListManagedPoliciesInPermissionSet", {
          InstanceArn: this.instanceArn,
          PermissionSetArn: ps.arn,
          ...(t ? { NextToken: t } : {}),
        }),
      "AttachedManagedPolicies",
    );
    const inline = str(
      (
        await this.api.sso("GetInlinePolicyForPermissionSet", {
          InstanceArn: this.instanceArn,
          PermissionSetArn: ps.arn,
        })
      )["InlinePolicy"],
    );
    return {
      ...ps,
      managedPolicies: pols.map((p) => str(p["Arn"])!),
      ...(inline ? { inlinePolicy: inline } : {}),
    };
  }

  async createPermissionSet(
    name: string,
    o: { managedPolicies: string[]; inlinePolicy?: string; sessionDuration?: string; description?: string },
    dryRun: boolean,
  ): Promise<{ permissionSetArn?: string; managedPolicies: string[]; dryRun: boolean }> {
    const arns = o.managedPolicies.map((p) => managedPolicyArn(p, this.partition));
    if (o.inlinePolicy !== undefined) {
      try {
        JSON.parse(o.inlinePolicy);
      } catch (e) {
        throw usageError(
          `the inline policy is not JSON: ${(e as Error).message}`,
          "give a file holding an IAM policy document",
        );
      }
    }
    if (dryRun) return { managedPolicies: arns, dryRun };
    const r = await this.api.sso("CreatePermissionSet", {
      InstanceArn: this.instanceArn,
      Name: name,
      ...(o.description ? { Description: o.description } : {}),
      ...(o.sessionDuration ? { SessionDuration: o.sessionDuration } : {}),
    });
    const arn = str((r["PermissionSet"] as Record<string, unknown>)["PermissionSetArn"])!;
    for (const p of arns)
      await this.api.sso("AttachManagedPolicyToPermissionSet", {
        InstanceArn: this.instanceArn,
        PermissionSetArn: arn,
        ManagedPolicyArn: p,
      });
    if (o.inlinePolicy !== undefined)
      await this.api.sso("PutInlinePolicyToPermissionSet", {
        InstanceArn: this.instanceArn,
        PermissionSetArn: arn,
        InlinePolicy: o.inlinePolicy,
      });
    this.psCache = undefined;
    return { permissionSetArn: arn, managedPolicies: arns, dryRun };
  }

  async deletePermissionSet(
    name: string,
    dryRun: boolean,
  ): Promise<{ permissionSetArn: string; dryRun: boolean }> {
    const ps = await this.findPermissionSet(name);
    if (!dryRun)
      await this.api.sso("DeletePermissionSet", { InstanceArn: this.instanceArn, PermissionSetArn: ps.arn });
    this.psCache = undefined;
    return { permissionSetArn: ps.arn, dryRun };
  }

  // ------------------------------------------------------------------ assignments
  async principal(o: {
    user?: string;
    group?: string;
  }): Promise<{ type: "USER" | "GROUP"; id: string; name: string }> {
    if ((o.user === undefined) === (o.group === undefined))
      throw usageError("give exactly one of --user NAME or --group NAME");
    if (o.user !== undefined) return { type: "USER", id: (await this.findUser(o.user)).userId, name: o.user };
    return { type: "GROUP", id: (await this.findGroup(o.group!)).groupId, name: o.group! };
  }

  async accountAssignments(accountId: string, permissionSetArn: string): Promise<Assignment[]> {
    const raw = await this.pages<Record<string, unknown>>(
      (t) =>
        this.api.sso("ListAccountAssignments", {
          InstanceArn: this.instanceArn,
          AccountId: accountId,
          PermissionSetArn: permissionSetArn,
          MaxResults: 100,
          ...(t ? { NextToken: t } : {}),
        }),
      "AccountAssignments",
    );
    return raw.map(assignmentOf);
  }

  async principalAssignments(type: "USER" | "GROUP", id: string): Promise<Assignment[]> {
    const raw = await this.pages<Record<string, unknown>>(
      (t) =>
        this.api.sso("ListAccountAssignmentsForPrincipal", {
          InstanceArn: this.instanceArn,
          PrincipalId: id,
          PrincipalType: type,
          MaxResults: 100,
          ...(t ? { NextToken: t } : {}),
        }),
      "AccountAssignments",
    );
    return raw.map(assignmentOf);
  }

  /** Poll a Describe…Status operation until SUCCEEDED or FAILED (1 s → 2 s, at most `timeoutMs`). */
  async waitFor(
    op: string,
    idKey: string,
    statusKey: string,
    requestId: string,
    onProgress?: (status: string) => void,
    timeoutMs = 300_000,
  ): Promise<Record<string, unknown>> {
    const started = Date.now();
    let delay = 500;
    for (;;) {
      const r = await this.api.sso(op, { InstanceArn: this.instanceArn, [idKey]: requestId });
      const s = r[statusKey] as Record<string, unknown>;
      const status = str(s["Status"]) ?? "UNKNOWN";
      onProgress?.(status);
      if (status === "SUCCEEDED") return s;
      if (status === "FAILED")
        throw new PorticoError("admin_provisioning_failed", `${op}: ${str(s["FailureReason"]) ?? "FAILED"}`, {
          exitCode: ExitCode.service,
          hint: "Fix the cause above and run the command again.",
        });
      if (Date.now() - started > timeoutMs)
        throw new PorticoError(
          "admin_provisioning_timeout",
          `still ${status} after ${Math.round(timeoutMs / 1000)} s (request ${requestId})`,
          { exitCode: ExitCode.timeout, hint: "Check later with portico admin access --account ID" },
        );
      await this.sleep(delay);
      delay = Math.min(2000, delay * 2);
    }
  }

  async assign(
    o: { user?: string; group?: string; permissionSet: string; account: string },
    dryRun: boolean,
    onProgress?: (status: string) => void,
  ): Promise<{
    accountId: string;
    permissionSetArn: string;
    principalType: string;
    principalId: string;
    status: string;
    dryRun: boolean;
  }> {
    const accountId = accountIdOf(o.account);
    const [p, ps] = await Promise.all([this.principal(o), this.findPermissionSet(o.permissionSet)]);
    const base = { accountId, permissionSetArn: ps.arn, principalType: p.type, principalId: p.id, dryRun };
    const existing = await this.accountAssignments(accountId, ps.arn);
    if (existing.some((a) => a.principalId === p.id && a.principalType === p.type))
      return { ...base, status: "ALREADY_ASSIGNED" };
    if (dryRun) return { ...base, status: "DRY_RUN" };
    const r = await this.api.sso("CreateAccountAssignment", {
      InstanceArn: this.instanceArn,
      TargetId: accountId,
      TargetType: "AWS_ACCOUNT",
      PermissionSetArn: ps.arn,
      PrincipalType: p.type,
      PrincipalId: p.id,
    });
    const s = r["AccountAssignmentCreationStatus"] as Record<string, unknown>;
    onProgress?.(str(s["Status"]) ?? "IN_PROGRESS");
    const done =
      str(s["Status"]) === "SUCCEEDED"
        ? s
        : await this.waitFor(
            "DescribeAccountAssignmentCreationStatus",
            "AccountAssignmentCreationRequestId",
            "AccountAssignmentCreationStatus",
            str(s["RequestId"])!,
            onProgress,
          );
    return { ...base, status: str(done["Status"])! };
  }

  async unassign(
    o: { user?: string; group?: string; permissionSet: string; account: string },
    dryRun: boolean,
    onProgress?: (status: string) => void,
  ): Promise<{
    accountId: string;
    permissionSetArn: string;
    principalType: string;
    principalId: string;
    status: string;
    dryRun: boolean;
  }> {
    const accountId = accountIdOf(o.account);
    const [p, ps] = await Promise.all([this.principal(o), this.findPermissionSet(o.permissionSet)]);
    const base = { accountId, permissionSetArn: ps.arn, principalType: p.type, principalId: p.id, dryRun };
    const existing = await this.accountAssignments(accountId, ps.arn);
    if (!existing.some((a) => a.principalId === p.id && a.principalType === p.type))
      return { ...base, status: "NOT_ASSIGNED" };
    if (dryRun) return { ...base, status: "DRY_RUN" };
    const r = await this.api.sso("DeleteAccountAssignment", {
      InstanceArn: this.instanceArn,
      TargetId: accountId,
      TargetType: "AWS_ACCOUNT",
      PermissionSetArn: ps.arn,
      PrincipalType: p.type,
      PrincipalId: p.id,
    });
    const s = r["AccountAssignmentDeletionStatus"] as Record<string, unknown>;
    onProgress?.(str(s["Status"]) ?? "IN_PROGRESS");
    const done =
      str(s["Status"]) === "SUCCEEDED"
        ? s
        : await this.waitFor(
            "DescribeAccountAssignmentDeletionStatus",
            "AccountAssignmentDeletionRequestId",
            "AccountAssignmentDeletionStatus",
            str(s["RequestId"])!,
            onProgress,
          );
    return { ...base, status: str(done["Status"])! };
  }

  async provision(
    name: string,
    account: string | undefined,
    dryRun: boolean,
    onProgress?: (s: string) => void,
  ): Promise<{ permissionSetArn: string; target: string; status: string; dryRun: boolean }> {
    const ps = await this.findPermissionSet(name);
    const target = account === undefined ? "ALL_PROVISIONED_ACCOUNTS" : accountIdOf(account);
    if (dryRun) return { permissionSetArn: ps.arn, target, status: "DRY_RUN", dryRun };
    const r = await this.api.sso("ProvisionPermissionSet", {
      InstanceArn: this.instanceArn,
      PermissionSetArn: ps.arn,
      TargetType: account === undefined ? "ALL_PROVISIONED_ACCOUNTS" : "AWS_ACCOUNT",
      ...(account === undefined ? {} : { TargetId: target }),
    });
    const s = r["PermissionSetProvisioningStatus"] as Record<string, unknown>;
    onProgress?.(str(s["Status"]) ?? "IN_PROGRESS");
    const done =
      str(s["Status"]) === "SUCCEEDED"
        ? s
        : await this.waitFor(
            "DescribePermissionSetProvisioningStatus",
            "ProvisionPermissionSetRequestId",
            "PermissionSetProvisioningStatus",
            str(s["RequestId"])!,
            onProgress,
          );
    return { permissionSetArn: ps.arn, target, status: str(done["Status"])!, dryRun };
  }

  // ------------------------------------------------------------------ lookups
  /** Every account × permission set a user can use, and how: directly or through which group. */
  async accessForUser(name: string): Promise<{ accountId: string; permissionSet: string; via: string }[]> {
    const u = await this.findUser(name);
    const [direct, groupIds, sets, groups] = await Promise.all([
      this.principalAssignments("USER", u.userId),
      this.groupsOf(u),
      this.listPermissionSets(),
      this.listGroups(),
    ]);
    const psName = new Map(sets.map((p) => [p.arn, p.name]));
    const gName = new Map(groups.map((g) => [g.groupId, g.displayName]));
    const rows = direct.map((a) => ({
      accountId: a.accountId,
      permissionSet: psName.get(a.permissionSetArn) ?? a.permissionSetArn,
      via: "direct",
    }));
    for (const gid of groupIds)
      for (const a of await this.principalAssignments("GROUP", gid))
        rows.push({
          accountId: a.accountId,
          permissionSet: psName.get(a.permissionSetArn) ?? a.permissionSetArn,
          via: `group ${gName.get(gid) ?? gid}`,
        });
    return rows.sort(
      (a, b) =>
        a.accountId.localeCompare(b.accountId) ||
        a.permissionSet.localeCompare(b.permissionSet) ||
        a.via.localeCompare(b.via),
    );
  }

  /** Who has what in one account. */
  async accessForAccount(
    account: string,
  ): Promise<{ permissionSet: string; principalType: string; principal: string; principalId: string }[]> {
    const accountId = accountIdOf(account);
    const [sets, users, groups] = await Promise.all([
      this.listPermissionSets(),
      this.listUsers(),
      this.listGroups(),
    ]);
    const uName = new Map(users.map((u) => [u.userId, u.userName]));
    const gName = new Map(groups.map((g) => [g.groupId, g.displayName]));
    const rows: { permissionSet: string; principalType: string; principal: string; principalId: string }[] =
      [];
    for (const ps of sets)
      for (const a of await this.accountAssignments(accountId, ps.arn))
        rows.push({
          permissionSet: ps.name,
          principalType: a.principalType,
          principal:
            (a.principalType === "USER" ? uName.get(a.principalId) : gName.get(a.principalId)) ??
            a.principalId,
          principalId: a.principalId,
        });
    return rows;
  }
}

/** A 12-digit account id. (Account names need AWS Organizations, which portico does not call: give the id.) */
export function accountIdOf(account: string): string {
  if (/^\d{12}$/.test(account)) return account;
  throw usageError(
    `"${account}" is not a 12-digit account id`,
    "give the account id (portico accounts --profile P lists the accounts you can see)",
  );
}

const userOf = (u: Record<string, unknown>): User => {
  const emails = u["Emails"] as { Value?: string }[] | undefined;
  return {
    userId: str(u["UserId"])!,
    userName: str(u["UserName"]) ?? "",
    ...(str(u["DisplayName"]) ? { displayName: str(u["DisplayName"])! } : {}),
    ...(str(emails?.[0]?.Value) ? { email: emails![0]!.Value! } : {}),
  };
};
const groupOf = (g: Record<string, unknown>): Group => ({
  groupId: str(g["GroupId"])!,
  displayName: str(g["DisplayName"]) ?? "",
  ...(str(g["Description"]) ? { description: str(g["Description"])! } : {}),
});
const psOf = (p: Record<string, unknown>): PermissionSet => ({
  arn: str(p["PermissionSetArn"])!,
  name: str(p["Name"]) ?? "",
  ...(str(p["Description"]) ? { description: str(p["Description"])! } : {}),
  ...(str(p["SessionDuration"]) ? { sessionDuration: str(p["SessionDuration"])! } : {}),
});
const assignmentOf = (a: Record<string, unknown>): Assignment => ({
  accountId: str(a["AccountId"])!,
  permissionSetArn: str(a["PermissionSetArn"])!,
  principalType: a["PrincipalType"] as "USER" | "GROUP",
  principalId: str(a["PrincipalId"])!,
});

/** Credentials from the profile, the region, the instance: an Admin ready to call. */
export async function openAdmin(
  deps: AdminDeps,
  target: AdminTarget,
  o: { rate?: number } = {},
): Promise<Admin> {
  const { resolveCredentials } = await import("../credentials/resolve");
  const { loadAwsConfig } = await import("../config/load");
  const { resolveProfileName } = await import("../config/paths");
  const resolved = await resolveCredentials(deps, {
    ...(target.profile !== undefined ? { profile: target.profile } : {}),
    ...(target.region ? { region: target.region } : {}),
  });
  const config = await loadAwsConfig(deps.env);
  const profile = config.profiles.get(resolveProfileName(deps.env, target.profile).name);
  const region = adminRegion(target.region, profile, config.ssoSessions, resolved.region);
  if (!region)
    throw usageError(
      "no region for the Identity Center admin APIs",
      "pass --region REGION (the region of your Identity Center)",
    );
  const { createAdminClients } = await import("./api");
  let api = await createAdminClients({
    env: deps.env,
    region,
    credentials: resolved.credentials,
    ...(o.rate ? { maxAttempts: 1 } : {}),
  });
  if (o.rate) {
    // Paced (admin apply): the pacer does the retrying, adaptively, instead of the SDK.
    const { Pacer, pacedClients } = await import("./pacer");
    api = pacedClients(api, new Pacer({ rate: o.rate }));
  }
  try {
    const r = await api.sso("ListInstances", {});
    const instances = ((r["Instances"] as Record<string, unknown>[] | undefined) ?? []).filter(
      (i) => target.instanceArn === undefined || i["InstanceArn"] === target.instanceArn,
    );
    if (instances.length === 0)
      throw new PorticoError(
        "admin_no_instance",
        target.instanceArn
          ? `No Identity Center instance ${target.instanceArn} in ${region}`
          : `No IAM Identity Center instance in ${region}`,
        {
          exitCode: ExitCode.config,
          hint: "Enable IAM Identity Center, or pass the right --region (the region where it is enabled) or --instance-arn.",
        },
      );
    if (instances.length > 1)
      throw new PorticoError(
        "admin_ambiguous",
        `${instances.length} Identity Center instances in ${region}`,
        {
          exitCode: ExitCode.usage,
          hint: `Pass --instance-arn (one of: ${instances.map((i) => i["InstanceArn"]).join(", ")})`,
        },
      );
    const inst = instances[0]!;
    return new Admin(api, str(inst["InstanceArn"])!, str(inst["IdentityStoreId"])!, region);
  } catch (e) {
    api.destroy();
    throw e;
  }
}
