/**
 * `portico admin`: the Identity Center administration walkthrough as functions (docs/admin.md).
 * Credentials come from any profile (src/credentials/resolve.ts); the instance and identity store are
 * discovered with ListInstances unless given; names resolve to ids with a clear error when a name is
 * unknown or ambiguous. Every mutating function takes `dryRun` (names are still resolved, nothing changes).
 */
import type { SectionView } from "../config/load";
import { nearestNames } from "../config/paths";
import { ExitCode, PorticoError, usageError } from "../errors";
import type { PacedOptions } from "../portal/paced";
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
export interface Account {
  id: string;
  name: string;
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
  private psCache: Promise<PermissionSet[]> | undefined;
  private accountsCache: Promise<Account[]> | undefined;
  /** Lookups by name, shared by concurrent callers (one call per name per run); filled by creates too. */
  private readonly userCache = new Map<string, Promise<User>>();
  private readonly groupCache = new Map<string, Promise<Group>>();
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

  // ------------------------------------------------------------------ users and groups
  /** Every user or group of the identity store, or those whose name attribute equals `name`. */
  private async identities<T>(kind: IdentityKind<T>, name?: string): Promise<T[]> {
    const raw = await this.pages<Record<string, unknown>>(
      (t) =>
        this.api.ids(kind.list, {
          IdentityStoreId: this.identityStoreId,
          ...(name === undefined ? { MaxResults: 100 } : {}),
          ...(name !== undefined
            ? { Filters: [{ AttributePath: kind.nameAttribute, AttributeValue: name }] }
            : {}),
          ...(t ? { NextToken: t } : {}),
        }),
      kind.key,
    );
    return raw.map(kind.of);
  }

  /** The one user or group named `name` (cached per run): admin_not_found / admin_ambiguous otherwise. */
  private findIdentity<T>(kind: IdentityKind<T>, cache: Map<string, Promise<T>>, name: string): Promise<T> {
    return remembered(cache, name, async () => {
      const hits = await this.identities(kind, name);
      if (hits.length === 0) throw notFound(kind.noun, name, kind.command);
      if (hits.length > 1)
        throw new PorticoError("admin_ambiguous", `${hits.length} ${kind.noun}s are named "${name}"`, {
          exitCode: ExitCode.usage,
          hint: kind.ambiguityHint,
        });
      return hits[0]!;
    });
  }

  listUsers(): Promise<User[]> {
    return this.identities(USERS);
  }
  findUser(name: string): Promise<User> {
    return this.findIdentity(USERS, this.userCache, name);
  }
  listGroups(): Promise<Group[]> {
    return this.identities(GROUPS);
  }
  findGroup(name: string): Promise<Group> {
    return this.findIdentity(GROUPS, this.groupCache, name);
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
    const userId = str(r["UserId"])!;
    this.userCache.set(name, Promise.resolve({ userId, userName: name }));
    return { userId, dryRun };
  }

  async deleteUser(name: string, dryRun: boolean): Promise<{ userId: string; dryRun: boolean }> {
    const u = await this.findUser(name);
    if (!dryRun)
      await this.api.ids("DeleteUser", { IdentityStoreId: this.identityStoreId, UserId: u.userId });
    this.userCache.delete(name);
    return { userId: u.userId, dryRun };
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
    const groupId = str(r["GroupId"])!;
    this.groupCache.set(name, Promise.resolve({ groupId, displayName: name }));
    return { groupId, dryRun };
  }

  async deleteGroup(name: string, dryRun: boolean): Promise<{ groupId: string; dryRun: boolean }> {
    const g = await this.findGroup(name);
    if (!dryRun)
      await this.api.ids("DeleteGroup", { IdentityStoreId: this.identityStoreId, GroupId: g.groupId });
    this.groupCache.delete(name);
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
  listPermissionSets(): Promise<PermissionSet[]> {
    this.psCache ??= this.describePermissionSets();
    const pending = this.psCache;
    pending.catch(() => {
      if (this.psCache === pending) this.psCache = undefined;
    });
    return pending;
  }

  private async describePermissionSets(): Promise<PermissionSet[]> {
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
    const created = psOf(r["PermissionSet"] as Record<string, unknown>);
    const arn = created.arn;
    // Known now: later lookups in this run need no new listing.
    if (this.psCache) {
      const before = this.psCache;
      this.psCache = before.then((all) => [...all.filter((p) => p.arn !== arn), created]);
    }
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
    return { permissionSetArn: arn, managedPolicies: arns, dryRun };
  }

  async deletePermissionSet(
    name: string,
    dryRun: boolean,
  ): Promise<{ permissionSetArn: string; dryRun: boolean }> {
    const ps = await this.findPermissionSet(name);
    if (!dryRun)
      await this.api.sso("DeletePermissionSet", { InstanceArn: this.instanceArn, PermissionSetArn: ps.arn });
    if (this.psCache && !dryRun) {
      const before = this.psCache;
      this.psCache = before.then((all) => all.filter((p) => p.arn !== ps.arn));
    }
    return { permissionSetArn: ps.arn, dryRun };
  }

  // ------------------------------------------------------------------ accounts
  /** The organisation's accounts (AWS Organizations ListAccounts, once per run). */
  listAccounts(): Promise<Account[]> {
    this.accountsCache ??= this.pages<Record<string, unknown>>(
      (t) => this.api.orgs("ListAccounts", t ? { NextToken: t } : {}),
      "Accounts",
    ).then((raw) => raw.map(accountOf));
    const pending = this.accountsCache;
    pending.catch(() => {
      if (this.accountsCache === pending) this.accountsCache = undefined;
    });
    return pending;
  }

  /** A 12-digit id as is; a name resolved through Organizations (admin_ambiguous / admin_not_found with the nearest names). */
  async accountId(account: string): Promise<string> {
    if (isAccountId(account)) return account;
    if (!/\S/.test(account)) throw usageError("--account is empty", "give an account id or name");
    return matchAccount(account, await this.listAccounts());
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
  ): Promise<AssignmentResult> {
    return this.changeAssignment(CREATE, o, dryRun, onProgress);
  }

  async unassign(
    o: { user?: string; group?: string; permissionSet: string; account: string },
    dryRun: boolean,
    onProgress?: (status: string) => void,
  ): Promise<AssignmentResult> {
    return this.changeAssignment(DELETE, o, dryRun, onProgress);
  }

  /** Names resolved, the current state checked (ALREADY_ASSIGNED / NOT_ASSIGNED), then the change waited for. */
  private async changeAssignment(
    how: AssignmentOp,
    o: { user?: string; group?: string; permissionSet: string; account: string },
    dryRun: boolean,
    onProgress?: (status: string) => void,
  ): Promise<AssignmentResult> {
    const [accountId, p, ps] = await Promise.all([
      this.accountId(o.account),
      this.principal(o),
      this.findPermissionSet(o.permissionSet),
    ]);
    const base = { accountId, permissionSetArn: ps.arn, principalType: p.type, principalId: p.id, dryRun };
    const existing = await this.accountAssignments(accountId, ps.arn);
    const present = existing.some((a) => a.principalId === p.id && a.principalType === p.type);
    if (present === (how === CREATE)) return { ...base, status: how.unchanged };
    if (dryRun) return { ...base, status: "DRY_RUN" };
    return { ...base, status: await this.sendAssignment(how, base, onProgress) };
  }

  /**
   * CreateAccountAssignment / DeleteAccountAssignment, then its status polled until SUCCEEDED (FAILED →
   * admin_provisioning_failed). No check first: `admin apply` has compared already (CreateAccountAssignment
   * of an existing assignment succeeds without a change).
   */
  async sendAssignment(
    how: AssignmentOp,
    a: { accountId: string; permissionSetArn: string; principalType: string; principalId: string },
    onProgress?: (status: string) => void,
  ): Promise<string> {
    const r = await this.api.sso(how.op, {
      InstanceArn: this.instanceArn,
      TargetId: a.accountId,
      TargetType: "AWS_ACCOUNT",
      PermissionSetArn: a.permissionSetArn,
      PrincipalType: a.principalType,
      PrincipalId: a.principalId,
    });
    const s = r[how.statusKey] as Record<string, unknown>;
    onProgress?.(str(s["Status"]) ?? "IN_PROGRESS");
    const done =
      str(s["Status"]) === "SUCCEEDED"
        ? s
        : await this.waitFor(how.describe, how.idKey, how.statusKey, str(s["RequestId"])!, onProgress);
    return str(done["Status"])!;
  }

  async provision(
    name: string,
    account: string | undefined,
    dryRun: boolean,
    onProgress?: (s: string) => void,
  ): Promise<{ permissionSetArn: string; target: string; status: string; dryRun: boolean }> {
    const ps = await this.findPermissionSet(name);
    const target = account === undefined ? "ALL_PROVISIONED_ACCOUNTS" : await this.accountId(account);
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
    const accountId = await this.accountId(account);
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

/** `cache[key]`, computed once by `make` for all concurrent callers; a failure is forgotten (the next call tries again). */
function remembered<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    const made = make();
    p = made;
    cache.set(key, made);
    made.catch(() => {
      if (cache.get(key) === made) cache.delete(key);
    });
  }
  return p;
}

export const isAccountId = (account: string): boolean => /^\d{12}$/.test(account);

/** `account` (a name) among the organisation's accounts: exact, else the one differing only by case. */
export function matchAccount(account: string, all: Account[]): string {
  let hits = all.filter((a) => a.name === account);
  if (hits.length === 0) hits = all.filter((a) => a.name.toLowerCase() === account.toLowerCase());
  if (hits.length === 1) return hits[0]!.id;
  if (hits.length > 1)
    throw new PorticoError(
      "admin_ambiguous",
      `${hits.length} accounts are named "${account}": ${hits.map((a) => `${a.id} (${a.name})`).join(", ")}`,
      { exitCode: ExitCode.usage, hint: `Give the account id instead, e.g. --account ${hits[0]!.id}` },
    );
  const near = nearestNames(account, new Set(all.map((a) => a.name)));
  throw new PorticoError(
    "admin_not_found",
    `No account named "${account}" in the organization${near.length ? ` (nearest: ${near.join(", ")})` : ""}`,
    {
      exitCode: ExitCode.config,
      hint: near.length
        ? `Did you mean --account ${JSON.stringify(near[0])}? Or give the 12-digit account id.`
        : "Give the 12-digit account id, or an account name as AWS Organizations lists it.",
    },
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
export interface AssignmentResult {
  accountId: string;
  permissionSetArn: string;
  principalType: string;
  principalId: string;
  status: string;
  dryRun: boolean;
}

/** The two assignment operations, for the one code that sends and waits for either. */
export interface AssignmentOp {
  op: "CreateAccountAssignment" | "DeleteAccountAssignment";
  describe: "DescribeAccountAssignmentCreationStatus" | "DescribeAccountAssignmentDeletionStatus";
  idKey: "AccountAssignmentCreationRequestId" | "AccountAssignmentDeletionRequestId";
  statusKey: "AccountAssignmentCreationStatus" | "AccountAssignmentDeletionStatus";
  unchanged: "ALREADY_ASSIGNED" | "NOT_ASSIGNED";
}
export const CREATE: AssignmentOp = {
  op: "CreateAccountAssignment",
  describe: "DescribeAccountAssignmentCreationStatus",
  idKey: "AccountAssignmentCreationRequestId",
  statusKey: "AccountAssignmentCreationStatus",
  unchanged: "ALREADY_ASSIGNED",
};
const DELETE: AssignmentOp = {
  op: "DeleteAccountAssignment",
  describe: "DescribeAccountAssignmentDeletionStatus",
  idKey: "AccountAssignmentDeletionRequestId",
  statusKey: "AccountAssignmentDeletionStatus",
  unchanged: "NOT_ASSIGNED",
};

/** What tells users and groups apart in the identitystore calls (one lookup code for both). */
interface IdentityKind<T> {
  list: "ListUsers" | "ListGroups";
  key: "Users" | "Groups";
  nameAttribute: "UserName" | "DisplayName";
  of: (raw: Record<string, unknown>) => T;
  noun: string;
  command: string;
  ambiguityHint: string;
}
const USERS: IdentityKind<User> = {
  list: "ListUsers",
  key: "Users",
  nameAttribute: "UserName",
  of: userOf,
  noun: "user",
  command: "users",
  ambiguityHint: "Give the exact user name (portico admin users list).",
};
const GROUPS: IdentityKind<Group> = {
  list: "ListGroups",
  key: "Groups",
  nameAttribute: "DisplayName",
  of: groupOf,
  noun: "group",
  command: "groups",
  ambiguityHint: "Rename one of them in Identity Center; portico cannot tell them apart by name.",
};
const accountOf = (a: Record<string, unknown>): Account => ({
  id: str(a["Id"]) ?? "",
  name: str(a["Name"]) ?? "",
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

/**
 * The pacer of `admin apply`: the portal's (src/portal/paced.ts, docs/sync.md "Pacing") with the
 * published limit as start and ceiling — Identity Center budgets its admin APIs at `rate` (20) calls
 * per second collectively, so there is nothing to probe for — cut on ThrottlingException / 5xx and
 * raised again by 10 % of the limit per second of successes.
 */
export async function adminRunner(rate: number, o: Omit<PacedOptions, "config"> = {}) {
  const { createPacedRunner } = await import("../portal/paced");
  return createPacedRunner({
    config: {
      startRate: rate,
      maxRate: rate,
      minRate: Math.min(0.5, rate),
      increasePerSecond: rate * 0.1,
      backoffCapMs: 5_000,
    },
    concurrency: 16,
    attempts: 4,
    throttleAttempts: 12,
    ...o,
  });
}

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
  const runner = o.rate ? await adminRunner(o.rate) : undefined;
  const api = await createAdminClients({
    env: deps.env,
    region,
    credentials: resolved.credentials,
    // Paced (admin apply): the shared pacer does the retrying, adaptively, instead of the SDK.
    ...(runner ? { maxAttempts: 1, runner } : {}),
  });
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
