/**
 * `admin plan FILE` / `admin apply FILE`: a desired state (docs/admin.md "Plan files") compared with
 * Identity Center, the exact changes listed, and applied in dependency order (users, groups,
 * memberships, permission sets and their policies, assignments), each call paced (adminRunner in index.ts:
 * the portal's pacer, src/portal/paced.ts).
 * Additive: what the file names is created or added; nothing it does not name is removed. A failure
 * stops the run cleanly: calls in flight finish, nothing new starts, and the report says what was
 * applied, what failed and what was not attempted — so a second apply picks up where it stopped.
 */
import { ExitCode, isPorticoError, PorticoError } from "../errors";
import { type Admin, CREATE, managedPolicyArn } from "./index";

export interface DesiredState {
  users: {
    userName: string;
    email?: string;
    givenName?: string;
    familyName?: string;
    displayName?: string;
  }[];
  groups: { displayName: string; description?: string; members: string[] }[];
  permissionSets: {
    name: string;
    description?: string;
    sessionDuration?: string;
    managedPolicies: string[];
    inlinePolicy?: string;
  }[];
  assignments: { account: string; permissionSet: string; user?: string; group?: string }[];
}

export type Change =
  | { kind: "create-user"; user: DesiredState["users"][number] }
  | { kind: "create-group"; group: string; description?: string }
  | { kind: "add-member"; group: string; user: string }
  | { kind: "create-permission-set"; name: string; description?: string; sessionDuration?: string }
  | { kind: "attach-policy"; permissionSet: string; policyArn: string }
  | { kind: "put-inline-policy"; permissionSet: string; policy: string }
  | {
      kind: "assign";
      /** The account id (resolved when the file names the account). */
      account: string;
      accountName?: string;
      permissionSet: string;
      principalType: "USER" | "GROUP";
      principal: string;
    };

/**
 * The offset of the first JSON syntax error in `text` (RFC 8259), for file:line messages: Node's
 * JSON.parse does not always say where it stopped. -1 when the text is valid.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail();
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') {
      str();
      return;
    }
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  const str = (): void => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === "\\") {
        i++;
        if (text[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i] ?? "")) i++;
        else fail();
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail();
      i++;
    }
    fail();
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (at) {
    return typeof at === "number" ? at : 0;
  }
}

/** 1-based line and column of a character offset. */
export function positionOf(text: string, offset: number): Position {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  return { line, col: Math.min(offset, text.length) - start + 1 };
}

export interface Position {
  line: number;
  col: number;
}

/** Where a part of the plan stands: a top-level key, or the n-th element of a top-level list. */
type Locate = (top: string, index?: number) => Position | undefined;

function planError(file: string, at: Position | undefined, message: string): PorticoError {
  return new PorticoError("admin_plan_invalid", `${file}${at ? `:${at.line}:${at.col}` : ""}: ${message}`, {
    exitCode: ExitCode.usage,
    hint: 'Fix the file (format: docs/admin.md "Plan files"); nothing was changed.',
    details: { file, ...(at ? { line: at.line, column: at.col } : {}) },
  });
}

/** The offset of the n-th element of array `top` in JSON text (best effort, for messages). */
function jsonElementOffset(text: string, top: string, index: number): number | undefined {
  const at = text.indexOf(`"${top}"`);
  if (at < 0) return undefined;
  let depth = 0;
  let count = -1;
  let inStr = false;
  for (let i = text.indexOf("[", at); i >= 0 && i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === "\\") i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === "{" || c === "[") {
      depth++;
      if (depth === 2 && c === "{") {
        count++;
        if (count === index) return i;
      }
    } else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return undefined;
    }
  }
  return undefined;
}

function parseJsonPlan(text: string, file: string): { raw: unknown; locate: Locate } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    const at = jsonErrorOffset(text);
    const near =
      at >= 0 && at < text.length ? `unexpected ${JSON.stringify(text[at])}` : "unexpected end of file";
    throw planError(file, positionOf(text, at < 0 ? text.length : at), `not valid JSON: ${near}`);
  }
  const locate: Locate = (top, index) => {
    const offset = index === undefined ? text.indexOf(`"${top}"`) : jsonElementOffset(text, top, index);
    return offset === undefined || offset < 0 ? undefined : positionOf(text, offset);
  };
  return { raw, locate };
}

/** YAML (1.2): src/admin/yaml.ts, loaded only for a YAML file. */
async function parseYamlPlan(text: string, file: string): Promise<{ raw: unknown; locate: Locate }> {
  const { readYaml } = await import("./yaml");
  const r = readYaml(text);
  if (!r.ok) throw planError(file, r.at, `not valid YAML: ${r.message}`);
  return { raw: r.raw, locate: r.locate };
}

/** YAML by extension (.yaml, .yml), JSON by extension (.json); otherwise JSON when it starts with `{`. */
export function isYamlPlan(file: string, text: string): boolean {
  if (/\.ya?ml$/i.test(file)) return true;
  if (/\.json$/i.test(file)) return false;
  return !text.trimStart().startsWith("{");
}

/** Parse and validate a plan file (YAML or JSON); every problem reported with file:line:column. */
export async function parsePlan(text: string, file: string): Promise<DesiredState> {
  const yaml = isYamlPlan(file, text);
  const { raw, locate } = yaml ? await parseYamlPlan(text, file) : parseJsonPlan(text, file);
  const first = { line: 1, col: 1 };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw planError(file, first, `the file must hold one ${yaml ? "YAML mapping" : "JSON object"}`);
  const o = raw as Record<string, unknown>;
  const known = new Set(["users", "groups", "permissionSets", "assignments", "$schema", "comment"]);
  for (const k of Object.keys(o))
    if (!known.has(k))
      throw planError(
        file,
        locate(k),
        `unknown top-level key "${k}" (users, groups, permissionSets, assignments)`,
      );
  const list = (k: string): Record<string, unknown>[] => {
    const v = o[k];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw planError(file, locate(k), `"${k}" must be a list`);
    return v.map((x, i) => {
      if (typeof x !== "object" || x === null || Array.isArray(x))
        throw planError(file, locate(k, i), `${k}[${i}] must be an object`);
      return x as Record<string, unknown>;
    });
  };
  const need = (k: string, i: number, x: Record<string, unknown>, key: string): string => {
    const v = x[key];
    if (typeof v !== "string" || v === "")
      throw planError(file, locate(k, i), `${k}[${i}].${key} must be a non-empty string`);
    return v;
  };
  const opt = (k: string, i: number, x: Record<string, unknown>, key: string): string | undefined => {
    const v = x[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw planError(file, locate(k, i), `${k}[${i}].${key} must be a string`);
    return v;
  };
  const strs = (k: string, i: number, x: Record<string, unknown>, key: string): string[] => {
    const v = x[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((s) => typeof s !== "string"))
      throw planError(file, locate(k, i), `${k}[${i}].${key} must be a list of strings`);
    return v as string[];
  };
  const pick = <T extends Record<string, unknown>>(x: T): T =>
    Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as T;
  const users = list("users").map((x, i) =>
    pick({
      userName: need("users", i, x, "userName"),
      email: opt("users", i, x, "email"),
      givenName: opt("users", i, x, "givenName"),
      familyName: opt("users", i, x, "familyName"),
      displayName: opt("users", i, x, "displayName"),
    }),
  ) as DesiredState["users"];
  const groups = list("groups").map((x, i) =>
    pick({
      displayName: need("groups", i, x, "displayName"),
      description: opt("groups", i, x, "description"),
      members: strs("groups", i, x, "members"),
    }),
  ) as DesiredState["groups"];
  const permissionSets = list("permissionSets").map((x, i) => {
    const inline = x["inlinePolicy"];
    if (inline !== undefined && (typeof inline !== "object" || inline === null))
      throw planError(
        file,
        locate("permissionSets", i),
        `permissionSets[${i}].inlinePolicy must be a policy object`,
      );
    return pick({
      name: need("permissionSets", i, x, "name"),
      description: opt("permissionSets", i, x, "description"),
      sessionDuration: opt("permissionSets", i, x, "sessionDuration"),
      managedPolicies: strs("permissionSets", i, x, "managedPolicies"),
      inlinePolicy: inline === undefined ? undefined : JSON.stringify(inline),
    });
  }) as DesiredState["permissionSets"];
  const assignments = list("assignments").map((x, i) => {
    const user = opt("assignments", i, x, "user");
    const group = opt("assignments", i, x, "group");
    if ((user === undefined) === (group === undefined))
      throw planError(
        file,
        locate("assignments", i),
        `assignments[${i}] needs exactly one of "user" or "group"`,
      );
    // YAML reads an unquoted 111111111111 as a number (and 012345678901 as 12345678901): as 12 digits again.
    const n = x["account"];
    if (typeof n === "number" && Number.isInteger(n) && n >= 0 && n < 1e12)
      x["account"] = String(n).padStart(12, "0");
    const account = need("assignments", i, x, "account");
    return pick({ account, permissionSet: need("assignments", i, x, "permissionSet"), user, group });
  }) as DesiredState["assignments"];
  const dup = (top: string, names: string[], what: string) => {
    const seen = new Set<string>();
    for (const [i, n] of names.entries()) {
      if (seen.has(n.toLowerCase())) throw planError(file, locate(top, i), `${what} "${n}" appears twice`);
      seen.add(n.toLowerCase());
    }
  };
  dup(
    "users",
    users.map((u) => u.userName),
    "user",
  );
  dup(
    "groups",
    groups.map((g) => g.displayName),
    "group",
  );
  dup(
    "permissionSets",
    permissionSets.map((p) => p.name),
    "permission set",
  );
  return { users, groups, permissionSets, assignments };
}

/** Compare with Identity Center (reads only): the changes that make it match, in dependency order. */
export async function computePlan(admin: Admin, want: DesiredState): Promise<Change[]> {
  const [users, groups, sets] = await Promise.all([
    admin.listUsers(),
    admin.listGroups(),
    admin.listPermissionSets(),
  ]);
  const userByName = new Map(users.map((u) => [u.userName.toLowerCase(), u]));
  const groupByName = new Map(groups.map((g) => [g.displayName.toLowerCase(), g]));
  const psByName = new Map(sets.map((p) => [p.name, p]));
  const changes: Change[] = [];
  const newUsers = new Set<string>();
  for (const u of want.users)
    if (!userByName.has(u.userName.toLowerCase())) {
      changes.push({ kind: "create-user", user: u });
      newUsers.add(u.userName.toLowerCase());
    }
  const userKnown = (n: string) => userByName.has(n.toLowerCase()) || newUsers.has(n.toLowerCase());
  const newGroups = new Set<string>();
  for (const g of want.groups)
    if (!groupByName.has(g.displayName.toLowerCase())) {
      changes.push({
        kind: "create-group",
        group: g.displayName,
        ...(g.description ? { description: g.description } : {}),
      });
      newGroups.add(g.displayName.toLowerCase());
    }
  const groupKnown = (n: string) => groupByName.has(n.toLowerCase()) || newGroups.has(n.toLowerCase());
  for (const g of want.groups) {
    const existing = groupByName.get(g.displayName.toLowerCase());
    const current = existing
      ? new Set((await admin.members(existing)).map((m) => m.userId))
      : new Set<string>();
    for (const m of g.members) {
      if (!userKnown(m))
        throw new PorticoError(
          "admin_not_found",
          `group ${g.displayName}: member "${m}" is neither in Identity Center nor in the file`,
          { exitCode: ExitCode.config, hint: 'Add the user to "users" in the file, or fix the name.' },
        );
      const u = userByName.get(m.toLowerCase());
      if (!u || !current.has(u.userId)) changes.push({ kind: "add-member", group: g.displayName, user: m });
    }
  }
  for (const p of want.permissionSets) {
    const existing = psByName.get(p.name);
    const want = p.managedPolicies.map((x) => managedPolicyArn(x, admin.partition));
    let have = new Set<string>();
    let inline: string | undefined;
    if (!existing)
      changes.push({
        kind: "create-permission-set",
        name: p.name,
        ...(p.description ? { description: p.description } : {}),
        ...(p.sessionDuration ? { sessionDuration: p.sessionDuration } : {}),
      });
    else {
      const shown = await admin.showPermissionSet(p.name);
      have = new Set(shown.managedPolicies);
      inline = shown.inlinePolicy;
    }
    for (const arn of want)
      if (!have.has(arn)) changes.push({ kind: "attach-policy", permissionSet: p.name, policyArn: arn });
    if (
      p.inlinePolicy !== undefined &&
      (inline === undefined || JSON.stringify(JSON.parse(inline)) !== p.inlinePolicy)
    )
      changes.push({ kind: "put-inline-policy", permissionSet: p.name, policy: p.inlinePolicy });
  }
  const psKnown = (n: string) => psByName.has(n) || want.permissionSets.some((p) => p.name === n);
  const current = new Map<string, Set<string>>();
  for (const [i, a] of want.assignments.entries()) {
    let accountId: string;
    try {
      accountId = await admin.accountId(a.account);
    } catch (e) {
      if (isPorticoError(e) && (e.code === "admin_not_found" || e.code === "admin_ambiguous"))
        throw new PorticoError(e.code, `assignments[${i}]: ${e.message}`, {
          exitCode: e.exitCode,
          ...(e.hint ? { hint: e.hint } : {}),
        });
      throw e;
    }
    if (!psKnown(a.permissionSet))
      throw new PorticoError(
        "admin_not_found",
        `assignment: permission set "${a.permissionSet}" is neither in Identity Center nor in the file`,
        { exitCode: ExitCode.config, hint: 'Add it to "permissionSets" or fix the name.' },
      );
    const type = a.user !== undefined ? "USER" : "GROUP";
    const name = (a.user ?? a.group)!;
    if (type === "USER" ? !userKnown(name) : !groupKnown(name))
      throw new PorticoError(
        "admin_not_found",
        `assignment: ${type === "USER" ? "user" : "group"} "${name}" is neither in Identity Center nor in the file`,
        { exitCode: ExitCode.config, hint: "Add it to the file or fix the name." },
      );
    const ps = psByName.get(a.permissionSet);
    const principalId =
      type === "USER"
        ? userByName.get(name.toLowerCase())?.userId
        : groupByName.get(name.toLowerCase())?.groupId;
    let exists = false;
    if (ps && principalId) {
      const key = `${accountId}\n${ps.arn}`;
      let set = current.get(key);
      if (!set) {
        set = new Set(
          (await admin.accountAssignments(accountId, ps.arn)).map(
            (x) => `${x.principalType}:${x.principalId}`,
          ),
        );
        current.set(key, set);
      }
      exists = set.has(`${type}:${principalId}`);
    }
    if (!exists)
      changes.push({
        kind: "assign",
        account: accountId,
        ...(accountId !== a.account ? { accountName: a.account } : {}),
        permissionSet: a.permissionSet,
        principalType: type,
        principal: name,
      });
  }
  return changes;
}

export function describeChange(c: Change): string {
  switch (c.kind) {
    case "create-user":
      return `create user ${c.user.userName}${c.user.email ? ` <${c.user.email}>` : ""}`;
    case "create-group":
      return `create group ${c.group}`;
    case "add-member":
      return `add ${c.user} to group ${c.group}`;
    case "create-permission-set":
      return `create permission set ${c.name}${c.sessionDuration ? ` (${c.sessionDuration})` : ""}`;
    case "attach-policy":
      return `attach ${c.policyArn} to permission set ${c.permissionSet}`;
    case "put-inline-policy":
      return `put the inline policy of permission set ${c.permissionSet}`;
    case "assign":
      return `assign ${c.permissionSet} to ${c.principalType === "USER" ? "user" : "group"} ${c.principal} in ${c.account}${c.accountName ? ` (${c.accountName})` : ""}`;
  }
}

export interface ApplyResult {
  applied: string[];
  /** The first change that failed. */
  failed?: { change: string; error: string; code: string };
  /** Changes that were in flight when the first failed and failed as well (none is left unreported). */
  alsoFailed?: { change: string; error: string; code: string }[];
  notAttempted: string[];
  /** API calls of the run (paced clients): sent, answered ThrottlingException, failed with a 5xx/reset — all retried. */
  calls?: { sent: number; throttled: number; faults: number };
}

/**
 * Apply in order: each phase (users, groups, memberships, permission sets, policies, assignments)
 * finishes before the next starts; within a phase up to `concurrency` changes run at once.
 */
export async function applyPlan(
  admin: Admin,
  changes: Change[],
  o: { concurrency?: number; onApplied?: (c: Change, done: number, total: number) => void } = {},
): Promise<ApplyResult> {
  const phases: Change["kind"][][] = [
    ["create-user"],
    ["create-group"],
    ["add-member"],
    ["create-permission-set"],
    ["attach-policy", "put-inline-policy"],
    ["assign"],
  ];
  const applied: string[] = [];
  const failures: NonNullable<ApplyResult["failed"]>[] = [];
  const started = new Set<Change>();
  const concurrency = o.concurrency ?? 8;
  for (const kinds of phases) {
    const todo = changes.filter((c) => kinds.includes(c.kind));
    let next = 0;
    const worker = async () => {
      while (failures.length === 0 && next < todo.length) {
        const c = todo[next++]!;
        started.add(c);
        try {
          await applyOne(admin, c);
          applied.push(describeChange(c));
          o.onApplied?.(c, applied.length, changes.length);
        } catch (e) {
          failures.push({
            change: describeChange(c),
            error: e instanceof Error ? e.message : String(e),
            code: isPorticoError(e) ? e.code : "internal",
          });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
    if (failures.length) break;
  }
  const stats = admin.api.stats?.();
  return {
    applied,
    ...(failures.length ? { failed: failures[0]! } : {}),
    ...(failures.length > 1 ? { alsoFailed: failures.slice(1) } : {}),
    notAttempted: changes.filter((c) => !started.has(c)).map(describeChange),
    ...(stats ? { calls: { sent: stats.sent, throttled: stats.throttled, faults: stats.faults } } : {}),
  };
}

async function applyOne(admin: Admin, c: Change): Promise<void> {
  switch (c.kind) {
    case "create-user":
      await admin.createUser(c.user.userName, c.user, false);
      return;
    case "create-group":
      await admin.createGroup(c.group, c.description, false);
      return;
    case "add-member":
      await admin.addMember(c.group, c.user, false);
      return;
    case "create-permission-set":
      await admin.createPermissionSet(
        c.name,
        {
          managedPolicies: [],
          ...(c.description ? { description: c.description } : {}),
          ...(c.sessionDuration ? { sessionDuration: c.sessionDuration } : {}),
        },
        false,
      );
      return;
    case "attach-policy": {
      const ps = await admin.findPermissionSet(c.permissionSet);
      await admin.api.sso("AttachManagedPolicyToPermissionSet", {
        InstanceArn: admin.instanceArn,
        PermissionSetArn: ps.arn,
        ManagedPolicyArn: c.policyArn,
      });
      return;
    }
    case "put-inline-policy": {
      const ps = await admin.findPermissionSet(c.permissionSet);
      await admin.api.sso("PutInlinePolicyToPermissionSet", {
        InstanceArn: admin.instanceArn,
        PermissionSetArn: ps.arn,
        InlinePolicy: c.policy,
      });
      return;
    }
    case "assign": {
      // Compared already (computePlan): straight to CreateAccountAssignment and its status.
      const [p, ps] = await Promise.all([
        admin.principal(c.principalType === "USER" ? { user: c.principal } : { group: c.principal }),
        admin.findPermissionSet(c.permissionSet),
      ]);
      const status = await admin.sendAssignment(CREATE, {
        accountId: c.account,
        permissionSetArn: ps.arn,
        principalType: p.type,
        principalId: p.id,
      });
      if (status !== "SUCCEEDED")
        throw new PorticoError("admin_provisioning_failed", `assignment ended ${status}`, {
          exitCode: ExitCode.service,
        });
      return;
    }
  }
}
