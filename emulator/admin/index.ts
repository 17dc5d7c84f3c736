/**
 * The emulator's administration APIs: identitystore (`AWSIdentityStore.*`), sso-admin
 * (`SWBExternalService.*`) and Organizations' ListAccounts (`AWSOrganizationsV20161128.*`), awsJson1_1 (docs/reference.md §7). The server routes `POST /` with one of
 * those `X-Amz-Target` prefixes here and persists the store after a successful mutation.
 */
import type { EmulatorStore } from "../store";
import { type AdminContext, type AdminRuntime, type AdminStore, cryptoIds, type IdSource } from "./context";
import { AdminError } from "./errors";
import * as ids from "./identitystore";
import { asBody, type Body } from "./input";
import * as orgs from "./organizations";
import * as sso from "./sso-admin";

type Operation = (ctx: AdminContext, body: Body) => unknown;

const operations: Record<string, Operation> = {
  "AWSIdentityStore.CreateUser": ids.createUser,
  "AWSIdentityStore.DescribeUser": ids.describeUser,
  "AWSIdentityStore.ListUsers": ids.listUsers,
  "AWSIdentityStore.DeleteUser": ids.deleteUser,
  "AWSIdentityStore.CreateGroup": ids.createGroup,
  "AWSIdentityStore.ListGroups": ids.listGroups,
  "AWSIdentityStore.CreateGroupMembership": ids.createGroupMembership,
  "AWSIdentityStore.ListGroupMemberships": ids.listGroupMemberships,
  "AWSIdentityStore.DeleteGroup": ids.deleteGroup,
  "AWSIdentityStore.DeleteGroupMembership": ids.deleteGroupMembership,
  "AWSIdentityStore.ListGroupMembershipsForMember": ids.listGroupMembershipsForMember,
  "SWBExternalService.ListInstances": sso.listInstances,
  "SWBExternalService.CreatePermissionSet": sso.createPermissionSet,
  "SWBExternalService.DescribePermissionSet": sso.describePermissionSet,
  "SWBExternalService.ListPermissionSets": sso.listPermissionSets,
  "SWBExternalService.AttachManagedPolicyToPermissionSet": sso.attachManagedPolicy,
  "SWBExternalService.PutInlinePolicyToPermissionSet": sso.putInlinePolicy,
  "SWBExternalService.CreateAccountAssignment": sso.createAccountAssignment,
  "SWBExternalService.DescribeAccountAssignmentCreationStatus": sso.describeAccountAssignmentCreationStatus,
  "SWBExternalService.DeleteAccountAssignment": sso.deleteAccountAssignment,
  "SWBExternalService.DescribeAccountAssignmentDeletionStatus": sso.describeAccountAssignmentDeletionStatus,
  "SWBExternalService.ListAccountAssignments": sso.listAccountAssignments,
  "SWBExternalService.ProvisionPermissionSet": sso.provisionPermissionSet,
  "SWBExternalService.DescribePermissionSetProvisioningStatus": sso.describePermissionSetProvisioningStatus,
  "SWBExternalService.DeletePermissionSet": sso.deletePermissionSet,
  "SWBExternalService.ListManagedPoliciesInPermissionSet": sso.listManagedPoliciesInPermissionSet,
  "SWBExternalService.GetInlinePolicyForPermissionSet": sso.getInlinePolicyForPermissionSet,
  "SWBExternalService.ListAccountAssignmentsForPrincipal": sso.listAccountAssignmentsForPrincipal,
  "AWSOrganizationsV20161128.ListAccounts": orgs.listAccounts,
};

/** Operations that only read: the server need not persist after them. */
const readOnly = /\.(Describe|List|Get)/;
export const isAdminMutation = (target: string): boolean => target in operations && !readOnly.test(target);

/** Status records of the asynchronous operations, kept beside each store (not persisted: AWS forgets them too). */
const runtimes = new WeakMap<object, AdminRuntime>();

function runtimeFor(store: AdminStore): AdminRuntime {
  let runtime = runtimes.get(store);
  if (!runtime) {
    runtime = { statuses: new Map() };
    runtimes.set(store, runtime);
  }
  return runtime;
}

export interface AdminResponse {
  status: number;
  body: unknown;
}

export interface AdminOptions {
  now?: () => number;
  ids?: IdSource;
}

/** Runs one admin operation; every failure is an awsJson1_1 error body, never a thrown exception. */
export function runAdmin(
  store: AdminStore,
  target: string,
  body: unknown,
  options: AdminOptions = {},
): AdminResponse {
  const operation = operations[target];
  if (!operation) {
    return {
      status: 400,
      body: {
        __type: "UnknownOperationException",
        Message: `Unknown operation ${target || "(no X-Amz-Target)"}.`,
      },
    };
  }
  const ctx: AdminContext = {
    org: store.org,
    now: (options.now ?? Date.now)() / 1000,
    runtime: runtimeFor(store),
    ids: options.ids ?? cryptoIds,
  };
  try {
    return { status: 200, body: operation(ctx, asBody(body)) };
  } catch (error) {
    if (error instanceof AdminError) return { status: error.status, body: error.toBody() };
    return { status: 500, body: { __type: "InternalServerException", Message: "Internal error." } };
  }
}

/**
 * The entry point the emulator server calls (interfaces.md). After a successful mutation it calls
 * `store.changed()`: the store's derived indexes (accountsForUser/rolesForUser) must be rebuilt, and
 * persistence is scheduled (coalesced, so the server persisting as well costs nothing).
 */
export function handleAdmin(store: EmulatorStore, target: string, body: unknown): AdminResponse {
  const response = runAdmin(store, target, body, { now: store.now });
  if (response.status === 200 && isAdminMutation(target)) store.changed();
  return response;
}
