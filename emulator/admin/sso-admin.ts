/**
 * sso-admin (awsJson1_1, `X-Amz-Target: SWBExternalService.<Op>`, docs/reference.md §7.2) over the
 * emulator's organisation: the instance, permission sets and account assignments.
 *
 * Assignments change `org.assignments` at once, so the portal (ListAccounts/ListAccountRoles) and
 * GetRoleCredentials see them on the next call. The asynchronous operations answer `IN_PROGRESS`
 * with a RequestId and `SUCCEEDED` from the first Describe…Status call on, the pattern the SDKs'
 * waiters expect.
 */
import type { AccountAssignment, PermissionSet } from "../model";
import { type AdminContext, rememberStatus, type StatusRecord } from "./context";
import { AdminError, conflict, notFound, validation } from "./errors";
import {
  ACCOUNT_ID,
  type Body,
  DURATION,
  INSTANCE_ARN,
  MANAGED_POLICY_ARN,
  optList,
  optString,
  PERMISSION_SET_ARN,
  PERMISSION_SET_NAME,
  page,
  REQUEST_ID,
  RESOURCE_ID,
  reqEnum,
  reqString,
} from "./input";

const DESCRIPTION = /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/;
const RELAY_STATE = /^[a-zA-Z0-9&$@#\\/%?=~\-_'"|!:,.;*+[\] (){}]+$/;
const INLINE_POLICY = /^[\u0009\u000A\u000D\u0020-\u00FF]+$/;
const MAX_MANAGED_POLICIES = 20;

function checkInstance(ctx: AdminContext, body: Body): string {
  const arn = reqString(body, "InstanceArn", { pattern: INSTANCE_ARN, min: 10, max: 1224 });
  if (arn !== ctx.org.instance.instanceArn)
    throw notFound("INSTANCE", arn, `Instance ${arn} does not exist.`);
  return arn;
}

function findPermissionSet(ctx: AdminContext, body: Body): PermissionSet {
  const arn = reqString(body, "PermissionSetArn", { pattern: PERMISSION_SET_ARN, min: 10, max: 1224 });
  const ps = ctx.org.permissionSets.find((p) => p.permissionSetArn === arn);
  if (!ps) throw notFound("PERMISSION_SET", arn, `Permission set ${arn} does not exist.`);
  return ps;
}

function checkAccount(ctx: AdminContext, accountId: string): void {
  if (!ctx.org.accounts.some((a) => a.accountId === accountId)) {
    throw notFound("ACCOUNT", accountId, `Account ${accountId} is not part of this organization.`);
  }
}

/** Permission-set session duration: ISO-8601, between 1 and 12 hours like AWS. */
function sessionDuration(body: Body): string {
  const value = optString(body, "SessionDuration", { pattern: DURATION, max: 100 });
  if (value === undefined) return "PT1H";
  const match = DURATION.exec(value)!;
  const [, sign, years, months, days, dayUnit, hours, minutes, seconds] = match;
  const n = (s: string | undefined): number => (s ? Number(s) : 0);
  const total =
    n(years) * 31_536_000 +
    n(months) * 2_592_000 +
    n(days) * (dayUnit === "W" ? 604_800 : 86_400) +
    n(hours) * 3600 +
    n(minutes) * 60 +
    n(seconds);
  if (sign || total < 3600 || total > 12 * 3600) {
    throw validation("SessionDuration must be between PT1H and PT12H.");
  }
  return value;
}

function permissionSetView(ps: PermissionSet): Record<string, unknown> {
  return {
    Name: ps.name,
    PermissionSetArn: ps.permissionSetArn,
    ...(ps.description ? { Description: ps.description } : {}),
    CreatedDate: ps.createdDate,
    SessionDuration: ps.sessionDuration,
    ...(ps.relayState ? { RelayState: ps.relayState } : {}),
  };
}

export function listInstances(ctx: AdminContext, body: Body): unknown {
  const i = ctx.org.instance;
  const { items, nextToken } = page(
    [
      {
        InstanceArn: i.instanceArn,
        IdentityStoreId: i.identityStoreId,
        OwnerAccountId: i.ownerAccountId,
        Name: i.name,
        CreatedDate: i.createdDate,
        Status: "ACTIVE",
      },
    ],
    body,
    "ListInstances",
  );
  return { Instances: items, ...(nextToken ? { NextToken: nextToken } : {}) };
}

export function createPermissionSet(ctx: AdminContext, body: Body): unknown {
  const instanceArn = checkInstance(ctx, body);
  const name = reqString(body, "Name", { pattern: PERMISSION_SET_NAME, max: 32 });
  const description = optString(body, "Description", { pattern: DESCRIPTION, max: 700 });
  const relayState = optString(body, "RelayState", { pattern: RELAY_STATE, max: 240 });
  const duration = sessionDuration(body);
  optList(body, "Tags", 75);
  if (ctx.org.permissionSets.some((p) => p.name === name)) {
    throw conflict(`A permission set named ${name} already exists.`, "ALREADY_EXISTS");
  }
  const instanceId = instanceArn.slice(instanceArn.lastIndexOf("/") + 1);
  const partition = instanceArn.split(":")[1];
  const ps: PermissionSet = {
    permissionSetArn: `arn:${partition}:sso:::permissionSet/${instanceId}/ps-${ctx.ids.hex(8)}`,
    name,
    ...(description ? { description } : {}),
    sessionDuration: duration,
    ...(relayState ? { relayState } : {}),
    createdDate: ctx.now,
    managedPolicies: [],
    roleSuffix: ctx.ids.hex(8),
  };
  ctx.org.permissionSets.push(ps);
  return { PermissionSet: permissionSetView(ps) };
}

export function describePermissionSet(ctx: AdminContext, body: Body): unknown {
  checkInstance(ctx, body);
  return { PermissionSet: permissionSetView(findPermissionSet(ctx, body)) };
}

export function listPermissionSets(ctx: AdminContext, body: Body): unknown {
  checkInstance(ctx, body);
  const arns = ctx.org.permissionSets.map((p) => p.permissionSetArn);
  const { items, nextToken } = page(arns, body, "ListPermissionSets");
  return { PermissionSets: items, ...(nextToken ? { NextToken: nextToken } : {}) };
}

export function attachManagedPolicy(ctx: AdminContext, body: Body): unknown {
  checkInstance(ctx, body);
  const ps = findPermissionSet(ctx, body);
  const policy = reqString(body, "ManagedPolicyArn", { pattern: MANAGED_POLICY_ARN, min: 20, max: 2048 });
  if (ps.managedPolicies.includes(policy)) {
    throw conflict(`${policy} is already attached to ${ps.name}.`, "ALREADY_ATTACHED");
  }
  if (ps.managedPolicies.length >= MAX_MANAGED_POLICIES) {
    throw new AdminError(
      "ServiceQuotaExceededException",
      `A permission set can have at most ${MAX_MANAGED_POLICIES} managed policies.`,
    );
  }
  ps.managedPolicies.push(policy);
  return {};
}

export function putInlinePolicy(ctx: AdminContext, body: Body): unknown {
  checkInstance(ctx, body);
  const ps = findPermissionSet(ctx, body);
  const policy = reqString(body, "InlinePolicy", { pattern: INLINE_POLICY, max: 32_768 });
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    throw validation("InlinePolicy must be a JSON policy document.", "INVALID_POLICY");
  }
  if (typeof parsed !== "object" || parsed === null || !("Statement" in parsed)) {
    throw validation("InlinePolicy must be a policy document with a Statement.", "INVALID_POLICY");
  }
  ps.inlinePolicy = policy;
  return {};
}

interface AssignmentInput extends AccountAssignment {
  targetType: "AWS_ACCOUNT";
}

function assignmentInput(ctx: AdminContext, body: Body): AssignmentInput {
  checkInstance(ctx, body);
  const accountId = reqString(body, "TargetId", { pattern: ACCOUNT_ID });
  const targetType = reqEnum(body, "TargetType", ["AWS_ACCOUNT"] as const);
  const ps = findPermissionSet(ctx, body);
  const principalType = reqEnum(body, "PrincipalType", ["USER", "GROUP"] as const);
  const principalId = reqString(body, "PrincipalId", { pattern: RESOURCE_ID, max: 47 });
  checkAccount(ctx, accountId);
  const exists =
    principalType === "USER"
      ? ctx.org.users.some((u) => u.userId === principalId)
      : ctx.org.groups.some((g) => g.groupId === principalId);
  if (!exists) throw notFound(principalType, principalId, `${principalType} ${principalId} does not exist.`);
  return { accountId, targetType, permissionSetArn: ps.permissionSetArn, principalType, principalId };
}

const sameAssignment = (a: AccountAssignment, b: AccountAssignment): boolean =>
  a.accountId === b.accountId &&
  a.permissionSetArn === b.permissionSetArn &&
  a.principalType === b.principalType &&
  a.principalId === b.principalId;

function assignmentStatus(
  ctx: AdminContext,
  input: AssignmentInput,
  requestId: string,
): Record<string, unknown> {
  return {
    Status: "IN_PROGRESS",
    RequestId: requestId,
    TargetId: input.accountId,
    TargetType: input.targetType,
    PermissionSetArn: input.permissionSetArn,
    PrincipalType: input.principalType,
    PrincipalId: input.principalId,
    CreatedDate: ctx.now,
  };
}

/** Later Describe calls see the finished operation. */
function finished(record: StatusRecord): Record<string, unknown> {
  record.status = { ...record.status, Status: "SUCCEEDED" };
  return record.status;
}

/**
 * Creating an assignment also provisions the permission set into the account (§7.2), which is
 * what makes the role appear in ListAccountRoles. An identical existing assignment is a no-op success.
 */
export function createAccountAssignment(ctx: AdminContext, body: Body): unknown {
  const input = assignmentInput(ctx, body);
  const { targetType: _t, ...assignment } = input;
  if (!ctx.org.assignments.some((a) => sameAssignment(a, assignment))) ctx.org.assignments.push(assignment);
  const requestId = ctx.ids.uuid();
  const status = assignmentStatus(ctx, input, requestId);
  rememberStatus(ctx.runtime, requestId, { kind: "creation", status });
  return { AccountAssignmentCreationStatus: status };
}

export function deleteAccountAssignment(ctx: AdminContext, body: Body): unknown {
  const input = assignmentInput(ctx, body);
  const { targetType: _t, ...assignment } = input;
  if (!ctx.org.assignments.some((a) => sameAssignment(a, assignment))) {
    throw notFound(
      "ACCOUNT_ASSIGNMENT",
      `${input.accountId}/${input.principalId}`,
      "The assignment does not exist.",
    );
  }
  ctx.org.assignments = ctx.org.assignments.filter((a) => !sameAssignment(a, assignment));
  const requestId = ctx.ids.uuid();
  const status = assignmentStatus(ctx, input, requestId);
  rememberStatus(ctx.runtime, requestId, { kind: "deletion", status });
  return { AccountAssignmentDeletionStatus: status };
}

function describeStatus(ctx: AdminContext, body: Body, member: string, kind: StatusRecord["kind"]) {
  checkInstance(ctx, body);
  const requestId = reqString(body, member, { pattern: REQUEST_ID, min: 36, max: 36 });
  const record = ctx.runtime.statuses.get(requestId);
  if (!record || record.kind !== kind)
    throw notFound("REQUEST", requestId, `Request ${requestId} does not exist.`);
  return finished(record);
}

export function describeAccountAssignmentCreationStatus(ctx: AdminContext, body: Body): unknown {
  return {
    AccountAssignmentCreationStatus: describeStatus(
      ctx,
      body,
      "AccountAssignmentCreationRequestId",
      "creation",
    ),
  };
}

export function describeAccountAssignmentDeletionStatus(ctx: AdminContext, body: Body): unknown {
  return {
    AccountAssignmentDeletionStatus: describeStatus(
      ctx,
      body,
      "AccountAssignmentDeletionRequestId",
      "deletion",
    ),
  };
}

export function listAccountAssignments(ctx: AdminContext, body: Body): unknown {
  checkInstance(ctx, body);
  const accountId = reqString(body, "AccountId", { pattern: ACCOUNT_ID });
  const ps = findPermissionSet(ctx, body);
  checkAccount(ctx, accountId);
  const matching = ctx.org.assignments.filter(
    (a) => a.accountId === accountId && a.permissionSetArn === ps.permissionSetArn,
  );
  const { items, nextToken } = page(
    matching,
    body,
    `ListAccountAssignments:${accountId}:${ps.permissionSetArn}`,
  );
  return {
    AccountAssignments: items.map((a) => ({
      AccountId: a.accountId,
      PermissionSetArn: a.permissionSetArn,
      PrincipalType: a.principalType,
      PrincipalId: a.principalId,
    })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

/** Provisioning has nothing to do in the emulator (roles exist once assigned); validated and recorded. */
export function provisionPermissionSet(ctx: AdminContext, body: Body): unknown {
  checkInstance(ctx, body);
  const ps = findPermissionSet(ctx, body);
  const targetType = reqEnum(body, "TargetType", ["AWS_ACCOUNT", "ALL_PROVISIONED_ACCOUNTS"] as const);
  const targetId = optString(body, "TargetId", { pattern: ACCOUNT_ID });
  if (targetType === "AWS_ACCOUNT") {
    if (targetId === undefined) throw validation("TargetId is required when TargetType is AWS_ACCOUNT.");
    checkAccount(ctx, targetId);
  } else if (targetId !== undefined) {
    throw validation("TargetId must not be given when TargetType is ALL_PROVISIONED_ACCOUNTS.");
  }
  const requestId = ctx.ids.uuid();
  const status = {
    Status: "IN_PROGRESS",
    RequestId: requestId,
    ...(targetId ? { AccountId: targetId } : {}),
    PermissionSetArn: ps.permissionSetArn,
    CreatedDate: ctx.now,
  };
  rememberStatus(ctx.runtime, requestId, { kind: "provisioning", status });
  return { PermissionSetProvisioningStatus: status };
}

export function describePermissionSetProvisioningStatus(ctx: AdminContext, body: Body): unknown {
  return {
    PermissionSetProvisioningStatus: describeStatus(
      ctx,
      body,
      "ProvisionPermissionSetRequestId",
      "provisioning",
    ),
  };
}

/** Refused while the permission set is assigned anywhere, as AWS refuses it (ConflictException). */
export function deletePermissionSet(ctx: AdminContext, body: Body): unknown {
  checkInstance(ctx, body);
  const ps = findPermissionSet(ctx, body);
  if (ctx.org.assignments.some((a) => a.permissionSetArn === ps.permissionSetArn))
    throw conflict(`Permission set ${ps.name} is still assigned to accounts; remove the assignments first.`);
  ctx.org.permissionSets = ctx.org.permissionSets.filter((p) => p !== ps);
  return {};
}

export function listManagedPoliciesInPermissionSet(ctx: AdminContext, body: Body): unknown {
  checkInstance(ctx, body);
  const ps = findPermissionSet(ctx, body);
  const policies = ps.managedPolicies.map((arn) => ({ Arn: arn, Name: arn.slice(arn.lastIndexOf("/") + 1) }));
  const { items, nextToken } = page(
    policies,
    body,
    `ListManagedPoliciesInPermissionSet:${ps.permissionSetArn}`,
  );
  return { AttachedManagedPolicies: items, ...(nextToken ? { NextToken: nextToken } : {}) };
}

export function getInlinePolicyForPermissionSet(ctx: AdminContext, body: Body): unknown {
  checkInstance(ctx, body);
  const ps = findPermissionSet(ctx, body);
  return { InlinePolicy: ps.inlinePolicy ?? "" };
}

/** Every assignment of one principal (`PrincipalId`, `PrincipalType`), optionally filtered by account. */
export function listAccountAssignmentsForPrincipal(ctx: AdminContext, body: Body): unknown {
  checkInstance(ctx, body);
  const principalId = reqString(body, "PrincipalId", { pattern: RESOURCE_ID, max: 47 });
  const principalType = reqEnum(body, "PrincipalType", ["USER", "GROUP"]);
  const filter = body["Filter"];
  const accountId =
    typeof filter === "object" && filter !== null && !Array.isArray(filter)
      ? optString(filter as Body, "AccountId", { pattern: ACCOUNT_ID, max: 12 })
      : undefined;
  const list = ctx.org.assignments
    .filter((a) => a.principalId === principalId && a.principalType === principalType)
    .filter((a) => accountId === undefined || a.accountId === accountId)
    .map((a) => ({
      AccountId: a.accountId,
      PermissionSetArn: a.permissionSetArn,
      PrincipalId: a.principalId,
      PrincipalType: a.principalType,
    }));
  const { items, nextToken } = page(
    list,
    body,
    `ListAccountAssignmentsForPrincipal:${principalType}:${principalId}:${accountId ?? ""}`,
  );
  return { AccountAssignments: items, ...(nextToken ? { NextToken: nextToken } : {}) };
}
