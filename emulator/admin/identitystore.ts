/**
 * identitystore (awsJson1_1, `X-Amz-Target: AWSIdentityStore.<Op>`, docs/reference.md §7.1) over the
 * emulator's organisation: users, groups and group memberships.
 *
 * Emulator extension (the real API has no passwords): CreateUser accepts
 * `Extensions: {"portico:emulator": {"Password": "…"}}`; the password is stored only as an scrypt
 * hash and lets the user sign in to the emulator's web pages. Documented in docs/emulator-web.md.
 */
import type { Group, GroupMembership, User } from "../model";
import { hashPassword } from "../passwords";
import { type AdminContext, identityId } from "./context";
import { conflict, notFound, validation } from "./errors";
import {
  type Body,
  IDENTITY_STORE_ID,
  optList,
  optObject,
  optString,
  page,
  RESOURCE_ID,
  reqString,
  TEXT,
  USER_NAME,
} from "./input";

export const PASSWORD_EXTENSION = "portico:emulator";
const ENTERPRISE_EXTENSION = "aws:identitystore:enterprise";

function checkStore(ctx: AdminContext, body: Body): string {
  const id = reqString(body, "IdentityStoreId", { pattern: IDENTITY_STORE_ID, max: 36 });
  if (id !== ctx.org.instance.identityStoreId) throw notFound("IDENTITY_STORE", id);
  return id;
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function findUser(ctx: AdminContext, userId: string): User {
  const user = ctx.org.users.find((u) => u.userId === userId);
  if (!user) throw notFound("USER", userId);
  return user;
}

function findGroup(ctx: AdminContext, groupId: string): Group {
  const group = ctx.org.groups.find((g) => g.groupId === groupId);
  if (!group) throw notFound("GROUP", groupId);
  return group;
}

function userView(ctx: AdminContext, user: User): Record<string, unknown> {
  const formatted = `${user.givenName} ${user.familyName}`.trim();
  return {
    IdentityStoreId: ctx.org.instance.identityStoreId,
    UserId: user.userId,
    UserName: user.userName,
    Name: {
      GivenName: user.givenName,
      FamilyName: user.familyName,
      ...(formatted ? { Formatted: formatted } : {}),
    },
    DisplayName: user.displayName,
    ...(user.email ? { Emails: [{ Value: user.email, Type: "work", Primary: true }] } : {}),
    UserStatus: "ENABLED",
    CreatedAt: user.createdAt,
    UpdatedAt: user.createdAt,
  };
}

function groupView(ctx: AdminContext, group: Group): Record<string, unknown> {
  return {
    GroupId: group.groupId,
    DisplayName: group.displayName,
    ...(group.description ? { Description: group.description } : {}),
    IdentityStoreId: ctx.org.instance.identityStoreId,
    CreatedAt: group.createdAt,
    UpdatedAt: group.createdAt,
  };
}

function membershipView(ctx: AdminContext, m: GroupMembership): Record<string, unknown> {
  return {
    IdentityStoreId: ctx.org.instance.identityStoreId,
    MembershipId: m.membershipId,
    GroupId: m.groupId,
    MemberId: { UserId: m.userId },
  };
}

/** The single optional `Filters` entry; only `allowed` attribute paths are supported, as on AWS. */
function filterValue(body: Body, allowed: string): string | undefined {
  const filters = optList(body, "Filters", 1);
  if (!filters || filters.length === 0) return undefined;
  const filter = filters[0];
  if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
    throw validation("Filters[0] must be an object.");
  }
  const path = reqString(filter as Body, "AttributePath", { max: 255 });
  const value = reqString(filter as Body, "AttributeValue", { pattern: TEXT, max: 1024 });
  if (path !== allowed) throw validation(`Filtering by ${path} is not supported; use ${allowed}.`);
  return value;
}

/** The emulator password from `Extensions`, if any; unknown extension names are refused like AWS does. */
function passwordFromExtensions(body: Body): string | undefined {
  const extensions = optObject(body, "Extensions");
  if (!extensions) return undefined;
  let password: string | undefined;
  for (const [name, value] of Object.entries(extensions)) {
    if (name === ENTERPRISE_EXTENSION) continue;
    if (name !== PASSWORD_EXTENSION) {
      throw validation(
        `Unsupported extension ${name}; supported: ${ENTERPRISE_EXTENSION}, ${PASSWORD_EXTENSION}.`,
      );
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw validation(`Extensions["${PASSWORD_EXTENSION}"] must be an object like {"Password": "…"}.`);
    }
    password = optString(value as Body, "Password", { min: 8, max: 256 });
  }
  return password;
}

export function createUser(ctx: AdminContext, body: Body): unknown {
  const storeId = checkStore(ctx, body);
  const userName = reqString(body, "UserName", { pattern: USER_NAME, max: 128 });
  const displayName = reqString(body, "DisplayName", { pattern: TEXT, max: 1024 });
  const name = optObject(body, "Name");
  if (!name) throw validation("Name is required (GivenName and FamilyName).", "MISSING_PARAMETER");
  const givenName = reqString(name, "GivenName", { pattern: TEXT, max: 1024 });
  const familyName = reqString(name, "FamilyName", { pattern: TEXT, max: 1024 });
  const emails = optList(body, "Emails", 1);
  let email: string | undefined;
  if (emails && emails.length > 0) {
    const first = emails[0];
    if (typeof first !== "object" || first === null) throw validation("Emails[0] must be an object.");
    email = optString(first as Body, "Value", { pattern: TEXT, max: 1024 });
  }
  const password = passwordFromExtensions(body);
  if (ctx.org.users.some((u) => sameName(u.userName, userName))) {
    throw conflict(`A user with UserName ${userName} already exists.`);
  }
  const user: User = {
    userId: identityId(ctx),
    userName,
    displayName,
    givenName,
    familyName,
    ...(email ? { email } : {}),
    ...(password ? { passwordHash: hashPassword(password) } : {}),
    createdAt: ctx.now,
  };
  ctx.org.users.push(user);
  return { IdentityStoreId: storeId, UserId: user.userId };
}

export function describeUser(ctx: AdminContext, body: Body): unknown {
  checkStore(ctx, body);
  const userId = reqString(body, "UserId", { pattern: RESOURCE_ID, max: 47 });
  return userView(ctx, findUser(ctx, userId));
}

export function listUsers(ctx: AdminContext, body: Body): unknown {
  checkStore(ctx, body);
  const userName = filterValue(body, "UserName");
  const users =
    userName === undefined ? ctx.org.users : ctx.org.users.filter((u) => sameName(u.userName, userName));
  const { items, nextToken } = page(users, body, `ListUsers:${userName ?? ""}`);
  return { Users: items.map((u) => userView(ctx, u)), ...(nextToken ? { NextToken: nextToken } : {}) };
}

/** Deletes the user with their group memberships and account assignments (nothing may point at a missing user). */
export function deleteUser(ctx: AdminContext, body: Body): unknown {
  checkStore(ctx, body);
  const userId = reqString(body, "UserId", { pattern: RESOURCE_ID, max: 47 });
  findUser(ctx, userId);
  const org = ctx.org;
  org.users = org.users.filter((u) => u.userId !== userId);
  org.memberships = org.memberships.filter((m) => m.userId !== userId);
  org.assignments = org.assignments.filter((a) => !(a.principalType === "USER" && a.principalId === userId));
  return {};
}

export function createGroup(ctx: AdminContext, body: Body): unknown {
  const storeId = checkStore(ctx, body);
  const displayName = reqString(body, "DisplayName", { pattern: TEXT, max: 1024 });
  const description = optString(body, "Description", { pattern: TEXT, max: 1024 });
  if (ctx.org.groups.some((g) => sameName(g.displayName, displayName))) {
    throw conflict(`A group with DisplayName ${displayName} already exists.`);
  }
  const group: Group = {
    groupId: identityId(ctx),
    displayName,
    ...(description ? { description } : {}),
    createdAt: ctx.now,
  };
  ctx.org.groups.push(group);
  return { GroupId: group.groupId, IdentityStoreId: storeId };
}

export function listGroups(ctx: AdminContext, body: Body): unknown {
  checkStore(ctx, body);
  const displayName = filterValue(body, "DisplayName");
  const groups =
    displayName === undefined
      ? ctx.org.groups
      : ctx.org.groups.filter((g) => sameName(g.displayName, displayName));
  const { items, nextToken } = page(groups, body, `ListGroups:${displayName ?? ""}`);
  return { Groups: items.map((g) => groupView(ctx, g)), ...(nextToken ? { NextToken: nextToken } : {}) };
}

export function createGroupMembership(ctx: AdminContext, body: Body): unknown {
  const storeId = checkStore(ctx, body);
  const groupId = reqString(body, "GroupId", { pattern: RESOURCE_ID, max: 47 });
  const member = optObject(body, "MemberId");
  if (!member) throw validation('MemberId is required, e.g. {"UserId": "…"}.', "MISSING_PARAMETER");
  const userId = reqString(member, "UserId", { pattern: RESOURCE_ID, max: 47 });
  findGroup(ctx, groupId);
  findUser(ctx, userId);
  if (ctx.org.memberships.some((m) => m.groupId === groupId && m.userId === userId)) {
    throw conflict(`User ${userId} is already a member of group ${groupId}.`);
  }
  const membership: GroupMembership = { membershipId: identityId(ctx), groupId, userId };
  ctx.org.memberships.push(membership);
  return { MembershipId: membership.membershipId, IdentityStoreId: storeId };
}

export function listGroupMemberships(ctx: AdminContext, body: Body): unknown {
  checkStore(ctx, body);
  const groupId = reqString(body, "GroupId", { pattern: RESOURCE_ID, max: 47 });
  findGroup(ctx, groupId);
  const members = ctx.org.memberships.filter((m) => m.groupId === groupId);
  const { items, nextToken } = page(members, body, `ListGroupMemberships:${groupId}`);
  return {
    GroupMemberships: items.map((m) => membershipView(ctx, m)),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

/** Deletes a group with its memberships and account assignments (what portico admin needs; §7.1). */
export function deleteGroup(ctx: AdminContext, body: Body): unknown {
  checkStore(ctx, body);
  const groupId = reqString(body, "GroupId", { pattern: RESOURCE_ID, max: 47 });
  findGroup(ctx, groupId);
  const org = ctx.org;
  org.groups = org.groups.filter((g) => g.groupId !== groupId);
  org.memberships = org.memberships.filter((m) => m.groupId !== groupId);
  org.assignments = org.assignments.filter(
    (a) => !(a.principalType === "GROUP" && a.principalId === groupId),
  );
  return {};
}

export function deleteGroupMembership(ctx: AdminContext, body: Body): unknown {
  checkStore(ctx, body);
  const membershipId = reqString(body, "MembershipId", { pattern: RESOURCE_ID, max: 47 });
  if (!ctx.org.memberships.some((m) => m.membershipId === membershipId))
    throw notFound("GROUP_MEMBERSHIP", membershipId);
  ctx.org.memberships = ctx.org.memberships.filter((m) => m.membershipId !== membershipId);
  return {};
}

/** The groups a user belongs to (`MemberId: {"UserId": …}`). */
export function listGroupMembershipsForMember(ctx: AdminContext, body: Body): unknown {
  checkStore(ctx, body);
  const member = optObject(body, "MemberId");
  if (!member) throw validation('MemberId is required, e.g. {"UserId": "…"}.', "MISSING_PARAMETER");
  const userId = reqString(member, "UserId", { pattern: RESOURCE_ID, max: 47 });
  findUser(ctx, userId);
  const members = ctx.org.memberships.filter((m) => m.userId === userId);
  const { items, nextToken } = page(members, body, `ListGroupMembershipsForMember:${userId}`);
  return {
    GroupMemberships: items.map((m) => membershipView(ctx, m)),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}
