/**
 * Where an organisation comes from: the demo org (`--seed demo`), a generated one for scale tests
 * (`--accounts N --roles-per-account M`), or a JSON seed file (`--seed FILE`, validated field by field
 * with the JSON path of every problem). Passwords in seeds are hashed on load; the Org never holds one.
 */

import { identityStoreObjectId, newInstanceArn, newPermissionSetArn, randomHex } from "./ids";
import type { Account, AccountAssignment, Group, GroupMembership, Org, PermissionSet, User } from "./model";
import { hashPassword } from "./passwords";

export const DEFAULT_START_URL = "https://d-0000000000.awsapps.com/start";
export const DEFAULT_REGION = "eu-north-1";

/** Demo users and their passwords (printed by `portico emulator start --seed demo`, docs/emulator.md). */
export const DEMO_PASSWORDS: Readonly<Record<string, string>> = {
  alice: "alice-in-portico",
  bob: "bob-in-portico",
  carol: "carol-in-portico",
};

export interface InstanceOptions {
  startUrl?: string;
  region?: string;
}

export class SeedError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `invalid seed: ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ""}`,
    );
    this.name = "SeedError";
  }
}

/** The friendly seed-file format (docs/emulator.md "Seed files"). */
export interface SeedFile {
  instance?: {
    startUrl?: string;
    region?: string;
    name?: string;
    identityStoreId?: string;
    ownerAccountId?: string;
  };
  accounts: { accountId: string; accountName: string; emailAddress?: string }[];
  users?: {
    userName: string;
    displayName?: string;
    givenName?: string;
    familyName?: string;
    email?: string;
    password?: string;
    passwordHash?: string;
  }[];
  groups?: { displayName: string; description?: string; members?: string[] }[];
  permissionSets?: {
    name: string;
    description?: string;
    sessionDuration?: string;
    relayState?: string;
    managedPolicies?: string[];
    inlinePolicy?: string;
  }[];
  /** `account` is an account id or name; exactly one of `user` (user name) / `group` (display name). */
  assignments?: { account: string; permissionSet: string; user?: string; group?: string }[];
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function identityStoreIdFor(startUrl: string): string {
  const m = /^https:\/\/(d-[0-9a-f]{10})\./.exec(startUrl);
  return m?.[1] ?? `d-${randomHex(5)}`;
}

/** Build an Org from a (validated) seed. `options` override the seed's instance start URL / region. */
export function orgFromSeed(seed: SeedFile, options: InstanceOptions = {}): Org {
  const problems = validateSeed(seed);
  if (problems.length > 0) throw new SeedError(problems);
  const startUrl = options.startUrl ?? seed.instance?.startUrl ?? DEFAULT_START_URL;
  const region = options.region ?? seed.instance?.region ?? DEFAULT_REGION;
  const created = nowSeconds();
  const instanceArn = newInstanceArn();
  const accounts: Account[] = seed.accounts.map((a) => ({
    accountId: a.accountId,
    accountName: a.accountName,
    emailAddress:
      a.emailAddress ?? `aws+${a.accountName.toLowerCase().replace(/[^a-z0-9]+/g, "-")}@example.com`,
  }));
  const users: User[] = (seed.users ?? []).map((u) => {
    const [given, ...rest] = (u.displayName ?? u.userName).split(" ");
    const user: User = {
      userId: identityStoreObjectId(),
      userName: u.userName,
      displayName: u.displayName ?? u.userName,
      givenName: u.givenName ?? given ?? u.userName,
      familyName: u.familyName ?? (rest.join(" ") || "User"),
      createdAt: created,
    };
    if (u.email) user.email = u.email;
    if (u.passwordHash) user.passwordHash = u.passwordHash;
    else if (u.password !== undefined) user.passwordHash = hashPassword(u.password);
    return user;
  });
  const groups: Group[] = [];
  const memberships: GroupMembership[] = [];
  for (const g of seed.groups ?? []) {
    const group: Group = { groupId: identityStoreObjectId(), displayName: g.displayName, createdAt: created };
    if (g.description) group.description = g.description;
    groups.push(group);
    for (const member of g.members ?? []) {
      const user = users.find((u) => u.userName.toLowerCase() === member.toLowerCase())!;
      memberships.push({
        membershipId: identityStoreObjectId(),
        groupId: group.groupId,
        userId: user.userId,
      });
    }
  }
  const permissionSets: PermissionSet[] = (seed.permissionSets ?? []).map((p) => {
    const ps: PermissionSet = {
      permissionSetArn: newPermissionSetArn(instanceArn),
      name: p.name,
      sessionDuration: p.sessionDuration ?? "PT1H",
      createdDate: created,
      managedPolicies: p.managedPolicies ?? [],
      roleSuffix: randomHex(8),
    };
    if (p.description) ps.description = p.description;
    if (p.relayState) ps.relayState = p.relayState;
    if (p.inlinePolicy) ps.inlinePolicy = p.inlinePolicy;
    return ps;
  });
  const accountByKey = new Map<string, Account>();
  for (const a of accounts) accountByKey.set(a.accountName, a);
  for (const a of accounts) accountByKey.set(a.accountId, a);
  const psByName = new Map(permissionSets.map((p) => [p.name, p]));
  const userByName = new Map(users.map((u) => [u.userName.toLowerCase(), u]));
  const assignments: AccountAssignment[] = (seed.assignments ?? []).map((a) => {
    const account = accountByKey.get(a.account)!;
    const ps = psByName.get(a.permissionSet)!;
    if (a.user !== undefined) {
      const user = userByName.get(a.user.toLowerCase())!;
      return {
        accountId: account.accountId,
        permissionSetArn: ps.permissionSetArn,
        principalType: "USER",
        principalId: user.userId,
      };
    }
    const group = groups.find((g) => g.displayName === a.group)!;
    return {
      accountId: account.accountId,
      permissionSetArn: ps.permissionSetArn,
      principalType: "GROUP",
      principalId: group.groupId,
    };
  });
  return {
    instance: {
      instanceArn,
      identityStoreId: seed.instance?.identityStoreId ?? identityStoreIdFor(startUrl),
      startUrl,
      region,
      ownerAccountId: seed.instance?.ownerAccountId ?? accounts[0]?.accountId ?? "000000000000",
      name: seed.instance?.name ?? "portico-emulator",
      createdDate: created,
    },
    accounts,
    users,
    groups,
    memberships,
    permissionSets,
    assignments,
  };
}

// ------------------------------------------------------------------------------------------ validation

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const PS_NAME = /^[\w+=,.@-]{1,32}$/;
const DURATION = /^PT(?:\d+H)?(?:\d+M)?$/;

/** Every problem in a seed, each prefixed with its JSON path; empty = valid. Never throws. */
export function validateSeed(seed: unknown): string[] {
  const p: string[] = [];
  if (!isObj(seed)) return ["(root): must be a JSON object"];
  const str = (
    v: unknown,
    path: string,
    opts: { optional?: boolean; pattern?: RegExp; hint?: string } = {},
  ): void => {
    if (v === undefined && opts.optional) return;
    if (typeof v !== "string" || v.length === 0) p.push(`${path}: must be a non-empty string`);
    else if (opts.pattern && !opts.pattern.test(v))
      p.push(`${path}: ${opts.hint ?? `must match ${opts.pattern}`}`);
  };
  const arr = (v: unknown, path: string, optional = true): unknown[] => {
    if (v === undefined && optional) return [];
    if (!Array.isArray(v)) {
      p.push(`${path}: must be an array`);
      return [];
    }
    return v;
  };
  const known = (o: Record<string, unknown>, path: string, keys: string[]): void => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) p.push(`${path}.${k}: unknown field`);
  };
  known(seed, "(root)", ["instance", "accounts", "users", "groups", "permissionSets", "assignments"]);
  if (seed["instance"] !== undefined) {
    const i = seed["instance"];
    if (!isObj(i)) p.push("instance: must be an object");
    else {
      known(i, "instance", ["startUrl", "region", "name", "identityStoreId", "ownerAccountId"]);
      str(i["startUrl"], "instance.startUrl", {
        optional: true,
        pattern: /^https:\/\/[^\s/]+\/\S*$/,
        hint: "must be an https URL",
      });
      str(i["region"], "instance.region", {
        optional: true,
        pattern: /^[a-z]{2}(-[a-z]+)+-\d$/,
        hint: "must be a region such as eu-north-1",
      });
      str(i["name"], "instance.name", { optional: true });
      str(i["identityStoreId"], "instance.identityStoreId", {
        optional: true,
        pattern: /^d-[0-9a-f]{10}$/,
        hint: "must look like d-0123456789",
      });
      str(i["ownerAccountId"], "instance.ownerAccountId", {
        optional: true,
        pattern: /^\d{12}$/,
        hint: "must be 12 digits",
      });
    }
  }
  const accountKeys = new Set<string>();
  const accountIds = new Set<string>();
  arr(seed["accounts"], "accounts", false).forEach((a, i) => {
    const path = `accounts[${i}]`;
    if (!isObj(a)) {
      p.push(`${path}: must be an object`);
      return;
    }
    known(a, path, ["accountId", "accountName", "emailAddress"]);
    str(a["accountId"], `${path}.accountId`, { pattern: /^\d{12}$/, hint: "must be 12 digits" });
    str(a["accountName"], `${path}.accountName`);
    str(a["emailAddress"], `${path}.emailAddress`, {
      optional: true,
      pattern: /^[^@\s]+@[^@\s]+$/,
      hint: "must be an email address",
    });
    if (typeof a["accountId"] === "string") {
      if (accountIds.has(a["accountId"])) p.push(`${path}.accountId: duplicate ${a["accountId"]}`);
      accountIds.add(a["accountId"]);
      accountKeys.add(a["accountId"]);
    }
    if (typeof a["accountName"] === "string") accountKeys.add(a["accountName"]);
  });
  const userNames = new Set<string>();
  arr(seed["users"], "users").forEach((u, i) => {
    const path = `users[${i}]`;
    if (!isObj(u)) {
      p.push(`${path}: must be an object`);
      return;
    }
    known(u, path, [
      "userName",
      "displayName",
      "givenName",
      "familyName",
      "email",
      "password",
      "passwordHash",
    ]);
    str(u["userName"], `${path}.userName`, {
      pattern: /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u,
      hint: "must be 1-128 characters without spaces",
    });
    for (const k of ["displayName", "givenName", "familyName", "email"])
      str(u[k], `${path}.${k}`, { optional: true });
    if (u["password"] !== undefined && typeof u["password"] !== "string")
      p.push(`${path}.password: must be a string`);
    str(u["passwordHash"], `${path}.passwordHash`, {
      optional: true,
      pattern: /^scrypt\$[^$]+\$[^$]+$/,
      hint: 'must be "scrypt$<salt>$<hash>"',
    });
    if (u["password"] !== undefined && u["passwordHash"] !== undefined)
      p.push(`${path}: give password or passwordHash, not both`);
    if (typeof u["userName"] === "string") {
      if (userNames.has(u["userName"].toLowerCase())) p.push(`${path}.userName: duplicate ${u["userName"]}`);
      userNames.add(u["userName"].toLowerCase());
    }
  });
  const groupNames = new Set<string>();
  arr(seed["groups"], "groups").forEach((g, i) => {
    const path = `groups[${i}]`;
    if (!isObj(g)) {
      p.push(`${path}: must be an object`);
      return;
    }
    known(g, path, ["displayName", "description", "members"]);
    str(g["displayName"], `${path}.displayName`);
    str(g["description"], `${path}.description`, { optional: true });
    if (typeof g["displayName"] === "string") {
      if (groupNames.has(g["displayName"])) p.push(`${path}.displayName: duplicate ${g["displayName"]}`);
      groupNames.add(g["displayName"]);
    }
    arr(g["members"], `${path}.members`).forEach((m, j) => {
      if (typeof m !== "string" || !userNames.has(m.toLowerCase()))
        p.push(`${path}.members[${j}]: ${JSON.stringify(m)} is not a user in users[]`);
    });
  });
  const psNames = new Set<string>();
  arr(seed["permissionSets"], "permissionSets").forEach((ps, i) => {
    const path = `permissionSets[${i}]`;
    if (!isObj(ps)) {
      p.push(`${path}: must be an object`);
      return;
    }
    known(ps, path, [
      "name",
      "description",
      "sessionDuration",
      "relayState",
      "managedPolicies",
      "inlinePolicy",
    ]);
    str(ps["name"], `${path}.name`, {
      pattern: PS_NAME,
      hint: "must be 1-32 characters of [A-Za-z0-9_+=,.@-]",
    });
    str(ps["description"], `${path}.description`, { optional: true });
    str(ps["sessionDuration"], `${path}.sessionDuration`, {
      optional: true,
      pattern: DURATION,
      hint: "must be an ISO-8601 duration such as PT8H",
    });
    str(ps["relayState"], `${path}.relayState`, { optional: true });
    arr(ps["managedPolicies"], `${path}.managedPolicies`).forEach((m, j) => {
      str(m, `${path}.managedPolicies[${j}]`, {
        pattern: /^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/\S+$/,
        hint: "must be an IAM policy ARN",
      });
    });
    if (ps["inlinePolicy"] !== undefined) {
      if (typeof ps["inlinePolicy"] !== "string") p.push(`${path}.inlinePolicy: must be a JSON string`);
      else
        try {
          JSON.parse(ps["inlinePolicy"]);
        } catch {
          p.push(`${path}.inlinePolicy: is not valid JSON`);
        }
    }
    if (typeof ps["name"] === "string") {
      if (psNames.has(ps["name"])) p.push(`${path}.name: duplicate ${ps["name"]}`);
      psNames.add(ps["name"]);
    }
  });
  arr(seed["assignments"], "assignments").forEach((a, i) => {
    const path = `assignments[${i}]`;
    if (!isObj(a)) {
      p.push(`${path}: must be an object`);
      return;
    }
    known(a, path, ["account", "permissionSet", "user", "group"]);
    if (typeof a["account"] !== "string" || !accountKeys.has(a["account"]))
      p.push(`${path}.account: ${JSON.stringify(a["account"])} is not an account id or name in accounts[]`);
    if (typeof a["permissionSet"] !== "string" || !psNames.has(a["permissionSet"]))
      p.push(
        `${path}.permissionSet: ${JSON.stringify(a["permissionSet"])} is not a name in permissionSets[]`,
      );
    if ((a["user"] === undefined) === (a["group"] === undefined))
      p.push(`${path}: give exactly one of user or group`);
    else if (
      a["user"] !== undefined &&
      (typeof a["user"] !== "string" || !userNames.has(a["user"].toLowerCase()))
    )
      p.push(`${path}.user: ${JSON.stringify(a["user"])} is not a user in users[]`);
    else if (a["group"] !== undefined && (typeof a["group"] !== "string" || !groupNames.has(a["group"])))
      p.push(`${path}.group: ${JSON.stringify(a["group"])} is not a group in groups[]`);
  });
  return p;
}

/** Parse a seed file's text (JSON), with a clear error for syntax and for content. */
export function parseSeedText(text: string, source: string): SeedFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SeedError([`${source}: not valid JSON (${(e as Error).message})`]);
  }
  const problems = validateSeed(data);
  if (problems.length > 0) throw new SeedError(problems.map((x) => `${source}: ${x}`));
  return data as SeedFile;
}

// ------------------------------------------------------------------------------------------ demo and generated

/** The demo organisation: a small company with four accounts, three permission sets, two groups. */
export function demoSeed(): SeedFile {
  return {
    instance: { name: "Acme Corp", identityStoreId: "d-0000000000" },
    accounts: [
      {
        accountId: "111111111111",
        accountName: "acme-management",
        emailAddress: "aws-management@acme.example",
      },
      {
        accountId: "222222222222",
        accountName: "acme-production",
        emailAddress: "aws-production@acme.example",
      },
      { accountId: "333333333333", accountName: "acme-staging", emailAddress: "aws-staging@acme.example" },
      { accountId: "444444444444", accountName: "acme-sandbox", emailAddress: "aws-sandbox@acme.example" },
    ],
    users: [
      {
        userName: "alice",
        displayName: "Alice Liddell",
        email: "alice@acme.example",
        password: DEMO_PASSWORDS["alice"]!,
      },
      {
        userName: "bob",
        displayName: "Bob Builder",
        email: "bob@acme.example",
        password: DEMO_PASSWORDS["bob"]!,
      },
      {
        userName: "carol",
        displayName: "Carol Danvers",
        email: "carol@acme.example",
        password: DEMO_PASSWORDS["carol"]!,
      },
    ],
    groups: [
      {
        displayName: "Platform",
        description: "Platform engineers: administrators everywhere",
        members: ["alice"],
      },
      { displayName: "Developers", description: "Product developers", members: ["alice", "bob"] },
    ],
    permissionSets: [
      {
        name: "AdministratorAccess",
        description: "Full access",
        sessionDuration: "PT4H",
        managedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"],
      },
      {
        name: "PowerUserAccess",
        description: "Everything but IAM",
        sessionDuration: "PT8H",
        managedPolicies: ["arn:aws:iam::aws:policy/PowerUserAccess"],
      },
      {
        name: "ViewOnlyAccess",
        description: "Read-only view of resources",
        sessionDuration: "PT8H",
        managedPolicies: ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"],
      },
    ],
    assignments: [
      { account: "acme-management", permissionSet: "AdministratorAccess", group: "Platform" },
      { account: "acme-production", permissionSet: "AdministratorAccess", group: "Platform" },
      { account: "acme-staging", permissionSet: "AdministratorAccess", group: "Platform" },
      { account: "acme-sandbox", permissionSet: "AdministratorAccess", group: "Platform" },
      { account: "acme-production", permissionSet: "ViewOnlyAccess", group: "Developers" },
      { account: "acme-staging", permissionSet: "PowerUserAccess", group: "Developers" },
      { account: "acme-sandbox", permissionSet: "PowerUserAccess", group: "Developers" },
      { account: "acme-sandbox", permissionSet: "ViewOnlyAccess", user: "bob" },
    ],
  };
}

/**
 * A generated org for scale tests: N accounts, M permission sets (Role01…), users alice and bob (demo
 * passwords). alice holds every permission set in every account through group "Everyone"; bob holds the
 * first permission set in every account directly. Account ids are 100000000000 + i.
 */
export function generatedSeed(accounts: number, rolesPerAccount: number): SeedFile {
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > 10_000)
    throw new SeedError(["accounts: must be an integer from 1 to 10000"]);
  if (!Number.isInteger(rolesPerAccount) || rolesPerAccount < 1 || rolesPerAccount > 100)
    throw new SeedError(["roles-per-account: must be an integer from 1 to 100"]);
  const width = String(rolesPerAccount).length;
  const seed: SeedFile = {
    instance: { name: `generated-${accounts}x${rolesPerAccount}` },
    accounts: [],
    users: [
      { userName: "alice", displayName: "Alice Liddell", password: DEMO_PASSWORDS["alice"]! },
      { userName: "bob", displayName: "Bob Builder", password: DEMO_PASSWORDS["bob"]! },
    ],
    groups: [{ displayName: "Everyone", members: ["alice"] }],
    permissionSets: [],
    assignments: [],
  };
  for (let r = 1; r <= rolesPerAccount; r++)
    seed.permissionSets!.push({ name: `Role${String(r).padStart(width, "0")}` });
  for (let i = 1; i <= accounts; i++) {
    const accountId = String(100_000_000_000 + i);
    seed.accounts.push({
      accountId,
      accountName: `account-${String(i).padStart(String(accounts).length, "0")}`,
    });
    for (const ps of seed.permissionSets!)
      seed.assignments!.push({ account: accountId, permissionSet: ps.name, group: "Everyone" });
    seed.assignments!.push({ account: accountId, permissionSet: seed.permissionSets![0]!.name, user: "bob" });
  }
  return seed;
}

/** An empty org (no accounts, users…): what `seed` absent means. */
export function emptySeed(): SeedFile {
  return { accounts: [] };
}
