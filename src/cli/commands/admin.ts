/**
 * `portico admin …`: administer IAM Identity Center (users, groups, permission sets, assignments,
 * lookups, plan/apply). Thin: flags → src/admin/ → output. docs/admin.md.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import type { Admin } from "../../admin/index";
import { ExitCode, PorticoError, usageError } from "../../errors";
import type { CliContext } from "../context";
import { errorLines, info, printJson, printLine, table } from "../output";

interface Common {
  profile?: string;
  region?: string;
  instanceArn?: string;
  json?: boolean;
  dryRun?: boolean;
}

function common(cmd: Command, mutating = false): Command {
  cmd
    .option("--profile <name>", "the profile whose credentials call the admin APIs")
    .option(
      "--region <region>",
      "Identity Center region (default: the profile's sso-session region, else its region)",
    )
    .option("--instance-arn <arn>", "the Identity Center instance (default: discovered with ListInstances)")
    .option("--json", "print JSON");
  if (mutating) cmd.option("--dry-run", "resolve names and show what would change; change nothing");
  return cmd;
}

/** One example per command (help text), by command path under `admin`. */
const EXAMPLES: Record<string, string[]> = {
  users: ["users list --profile mgmt", "users create jane --email jane@example.com --profile mgmt"],
  "users list": ["users list --profile mgmt --json"],
  "users show": ["users show jane --profile mgmt"],
  "users create": [
    "users create jane --email jane@example.com --given-name Jane --family-name Doe --profile mgmt",
  ],
  "users delete": ["users delete jane --dry-run --profile mgmt"],
  groups: ["groups list --profile mgmt", "groups add-member ReadOnly jane --profile mgmt"],
  "groups list": ["groups list --profile mgmt"],
  "groups show": ["groups show ReadOnly --profile mgmt"],
  "groups create": ['groups create ReadOnly --description "read-only access" --profile mgmt'],
  "groups delete": ["groups delete ReadOnly --profile mgmt"],
  "groups add-member": ["groups add-member ReadOnly jane --profile mgmt"],
  "groups remove-member": ["groups remove-member ReadOnly jane --profile mgmt"],
  "permission-sets": [
    "permission-sets list --profile mgmt",
    "permission-sets create ViewOnlyAccess --managed-policy ViewOnlyAccess --profile mgmt",
  ],
  "permission-sets list": ["permission-sets list --profile mgmt"],
  "permission-sets show": ["permission-sets show ViewOnlyAccess --profile mgmt"],
  "permission-sets create": [
    "permission-sets create ViewOnlyAccess --managed-policy ViewOnlyAccess --session-duration PT8H --profile mgmt",
  ],
  "permission-sets delete": ["permission-sets delete ViewOnlyAccess --dry-run --profile mgmt"],
  assign: ["assign --group ReadOnly --permission-set ViewOnlyAccess --account 111111111111 --profile mgmt"],
  unassign: ["unassign --user jane --permission-set ViewOnlyAccess --account 111111111111 --profile mgmt"],
  provision: ["provision ViewOnlyAccess --profile mgmt"],
  access: ["access --user jane --profile mgmt", "access --account 111111111111 --json --profile mgmt"],
  plan: ["plan identity-center.json --profile mgmt"],
  apply: ["apply identity-center.json --profile mgmt"],
};

function addExamples(cmd: Command, prefix: string[] = []): void {
  for (const sub of cmd.commands) {
    const path = [...prefix, sub.name()];
    const lines = EXAMPLES[path.join(" ")];
    if (lines)
      sub.addHelpText(
        "after",
        `\nExample${lines.length > 1 ? "s" : ""}:\n${lines.map((l) => `  portico admin ${l}`).join("\n")}\n`,
      );
    addExamples(sub, path);
  }
}

export function register(program: Command, ctx: CliContext): void {
  const admin = program
    .command("admin")
    .description(
      "administer IAM Identity Center: users, groups, permission sets, assignments (docs/admin.md)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  portico admin users create jane --email jane@example.com --profile mgmt\n  portico admin groups create ReadOnly --profile mgmt\n  portico admin permission-sets create ViewOnlyAccess --managed-policy ViewOnlyAccess --profile mgmt\n  portico admin assign --group ReadOnly --permission-set ViewOnlyAccess --account 111111111111 --profile mgmt\n  portico admin groups add-member ReadOnly jane --profile mgmt\n",
    );

  const open = async (o: Common): Promise<Admin> => {
    const { openAdmin } = await import("../../admin/index");
    return openAdmin(
      { env: ctx.env, now: ctx.now },
      {
        ...(o.profile !== undefined ? { profile: o.profile } : {}),
        ...(o.region ? { region: o.region } : {}),
        ...(o.instanceArn ? { instanceArn: o.instanceArn } : {}),
      },
    );
  };
  const withAdmin =
    <A extends unknown[]>(fn: (a: Admin, ...args: A) => Promise<void>) =>
    async (...args: A) => {
      const opts = args.at(-2) as Common;
      const a = await open(opts);
      try {
        await fn(a, ...args);
      } finally {
        a.api.destroy();
      }
    };
  const progress = (label: string) => {
    let last = "";
    return (status: string) => {
      if (status === last) return;
      last = status;
      info(ctx, `${label}: ${status}`);
    };
  };
  /** A mutation's result: JSON on stdout with --json, else one line for people on stderr and the id on stdout. */
  const done = (o: Common, result: Record<string, unknown>, line: string, id?: string) => {
    if (o.json) printJson(ctx, result);
    else {
      info(ctx, `${o.dryRun ? "dry run: would have " : ""}${line}`);
      if (id) printLine(ctx, id);
    }
  };

  // ---------------------------------------------------------------- users
  const users = admin.command("users").description("Identity Center users");
  common(users.command("list").description("list users")).action(
    withAdmin(async (a, o: Common) => {
      const list = await a.listUsers();
      if (o.json) printJson(ctx, list);
      else
        printLine(
          ctx,
          table([
            ["USER", "DISPLAY NAME", "EMAIL", "ID"],
            ...list.map((u) => [u.userName, u.displayName ?? "", u.email ?? "", u.userId]),
          ]),
        );
    }),
  );
  common(
    users.command("show").argument("<name>").description("show one user, their groups and access"),
  ).action(
    withAdmin(async (a, name: string, o: Common) => {
      const u = await a.findUser(name);
      const access = await a.accessForUser(name);
      if (o.json) printJson(ctx, { ...u, access });
      else
        printLine(
          ctx,
          table([
            ["User:", u.userName],
            ["Display name:", u.displayName ?? ""],
            ["Email:", u.email ?? ""],
            ["Id:", u.userId],
            [
              "Access:",
              access.map((x) => `${x.accountId} ${x.permissionSet} (${x.via})`).join("; ") || "none",
            ],
          ]),
        );
    }),
  );
  common(
    users
      .command("create")
      .argument("<name>", "the user name they sign in with")
      .option("--email <e>")
      .option("--given-name <g>")
      .option("--family-name <f>")
      .option("--display-name <d>")
      .description("create a user"),
    true,
  ).action(
    withAdmin(
      async (
        a,
        name: string,
        o: Common & { email?: string; givenName?: string; familyName?: string; displayName?: string },
      ) => {
        const r = await a.createUser(
          name,
          {
            ...(o.email ? { email: o.email } : {}),
            ...(o.givenName ? { givenName: o.givenName } : {}),
            ...(o.familyName ? { familyName: o.familyName } : {}),
            ...(o.displayName ? { displayName: o.displayName } : {}),
          },
          Boolean(o.dryRun),
        );
        done(o, { action: "create-user", userName: name, ...r }, `created user ${name}`, r.userId);
      },
    ),
  );
  common(
    users
      .command("delete")
      .argument("<name>")
      .description("delete a user (their memberships and assignments go with them)"),
    true,
  ).action(
    withAdmin(async (a, name: string, o: Common) => {
      const r = await a.deleteUser(name, Boolean(o.dryRun));
      done(o, { action: "delete-user", userName: name, ...r }, `deleted user ${name}`, r.userId);
    }),
  );

  // ---------------------------------------------------------------- groups
  const groups = admin.command("groups").description("Identity Center groups");
  common(groups.command("list").description("list groups")).action(
    withAdmin(async (a, o: Common) => {
      const list = await a.listGroups();
      if (o.json) printJson(ctx, list);
      else
        printLine(
          ctx,
          table([
            ["GROUP", "DESCRIPTION", "ID"],
            ...list.map((g) => [g.displayName, g.description ?? "", g.groupId]),
          ]),
        );
    }),
  );
  common(groups.command("show").argument("<name>").description("show a group and its members")).action(
    withAdmin(async (a, name: string, o: Common) => {
      const g = await a.findGroup(name);
      const [members, users] = await Promise.all([a.members(g), a.listUsers()]);
      const byId = new Map(users.map((u) => [u.userId, u.userName]));
      const names = members.map((m) => byId.get(m.userId) ?? m.userId);
      if (o.json) printJson(ctx, { ...g, members: names });
      else
        printLine(
          ctx,
          table([
            ["Group:", g.displayName],
            ["Description:", g.description ?? ""],
            ["Id:", g.groupId],
            ["Members:", names.join(", ") || "none"],
          ]),
        );
    }),
  );
  common(
    groups.command("create").argument("<name>").option("--description <d>").description("create a group"),
    true,
  ).action(
    withAdmin(async (a, name: string, o: Common & { description?: string }) => {
      const r = await a.createGroup(name, o.description, Boolean(o.dryRun));
      done(o, { action: "create-group", group: name, ...r }, `created group ${name}`, r.groupId);
    }),
  );
  common(groups.command("delete").argument("<name>").description("delete a group"), true).action(
    withAdmin(async (a, name: string, o: Common) => {
      const r = await a.deleteGroup(name, Boolean(o.dryRun));
      done(o, { action: "delete-group", group: name, ...r }, `deleted group ${name}`, r.groupId);
    }),
  );
  common(
    groups.command("add-member").argument("<group>").argument("<user>").description("add a user to a group"),
    true,
  ).action(
    withAdmin(async (a, group: string, user: string, o: Common) => {
      const r = await a.addMember(group, user, Boolean(o.dryRun));
      done(
        o,
        { action: "add-member", group, user, ...r },
        r.already ? `${user} is already in ${group} (nothing to do)` : `added ${user} to ${group}`,
        r.membershipId,
      );
    }),
  );
  common(
    groups
      .command("remove-member")
      .argument("<group>")
      .argument("<user>")
      .description("remove a user from a group"),
    true,
  ).action(
    withAdmin(async (a, group: string, user: string, o: Common) => {
      const r = await a.removeMember(group, user, Boolean(o.dryRun));
      done(
        o,
        { action: "remove-member", group, user, ...r },
        r.removed ? `removed ${user} from ${group}` : `${user} is not in ${group} (nothing to do)`,
      );
    }),
  );

  // ---------------------------------------------------------------- permission sets
  const ps = admin.command("permission-sets").description("permission sets");
  common(ps.command("list").description("list permission sets")).action(
    withAdmin(async (a, o: Common) => {
      const list = await a.listPermissionSets();
      if (o.json) printJson(ctx, list);
      else
        printLine(
          ctx,
          table([
            ["NAME", "SESSION", "DESCRIPTION", "ARN"],
            ...list.map((p) => [p.name, p.sessionDuration ?? "", p.description ?? "", p.arn]),
          ]),
        );
    }),
  );
  common(ps.command("show").argument("<name>").description("show a permission set and its policies")).action(
    withAdmin(async (a, name: string, o: Common) => {
      const p = await a.showPermissionSet(name);
      if (o.json) printJson(ctx, p);
      else
        printLine(
          ctx,
          table([
            ["Name:", p.name],
            ["ARN:", p.arn],
            ["Session:", p.sessionDuration ?? ""],
            ["Description:", p.description ?? ""],
            ["Managed policies:", p.managedPolicies.join(", ") || "none"],
            ["Inline policy:", p.inlinePolicy ? "yes" : "no"],
          ]),
        );
    }),
  );
  common(
    ps
      .command("create")
      .argument("<name>")
      .option(
        "--managed-policy <name|arn>",
        "ViewOnlyAccess, ReadOnlyAccess, … or an ARN (repeatable)",
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option("--inline-policy <file>", "a JSON IAM policy document")
      .option("--session-duration <iso>", "e.g. PT8H (1 to 12 hours)")
      .option("--description <d>")
      .description("create a permission set"),
    true,
  ).action(
    withAdmin(
      async (
        a,
        name: string,
        o: Common & {
          managedPolicy?: string[];
          inlinePolicy?: string;
          sessionDuration?: string;
          description?: string;
        },
      ) => {
        let inline: string | undefined;
        if (o.inlinePolicy !== undefined) {
          try {
            inline = await readFile(o.inlinePolicy, "utf8");
          } catch (e) {
            throw usageError(`cannot read ${o.inlinePolicy}: ${(e as Error).message}`);
          }
        }
        const r = await a.createPermissionSet(
          name,
          {
            managedPolicies: o.managedPolicy ?? [],
            ...(inline !== undefined ? { inlinePolicy: inline } : {}),
            ...(o.sessionDuration ? { sessionDuration: o.sessionDuration } : {}),
            ...(o.description ? { description: o.description } : {}),
          },
          Boolean(o.dryRun),
        );
        done(
          o,
          { action: "create-permission-set", name, ...r },
          `created permission set ${name}${r.managedPolicies.length ? ` with ${r.managedPolicies.join(", ")}` : ""}`,
          r.permissionSetArn,
        );
      },
    ),
  );
  common(
    ps.command("delete").argument("<name>").description("delete a permission set (refused while assigned)"),
    true,
  ).action(
    withAdmin(async (a, name: string, o: Common) => {
      const r = await a.deletePermissionSet(name, Boolean(o.dryRun));
      done(
        o,
        { action: "delete-permission-set", name, ...r },
        `deleted permission set ${name}`,
        r.permissionSetArn,
      );
    }),
  );

  // ---------------------------------------------------------------- assignments
  type AssignOpts = Common & { user?: string; group?: string; permissionSet: string; account: string };
  for (const verb of ["assign", "unassign"] as const) {
    common(
      admin
        .command(verb)
        .description(
          verb === "assign"
            ? "give a user or group a permission set in an account (waits for provisioning)"
            : "take an assignment away (waits for it)",
        )
        .option("--user <name>")
        .option("--group <name>")
        .requiredOption("--permission-set <name>")
        .requiredOption(
          "--account <id|name>",
          "12-digit account id, or the account's name (AWS Organizations)",
        ),
      true,
    ).action(
      withAdmin(async (a, o: AssignOpts) => {
        const who = o.user !== undefined ? `user ${o.user}` : `group ${o.group}`;
        const input = {
          ...(o.user !== undefined ? { user: o.user } : {}),
          ...(o.group !== undefined ? { group: o.group } : {}),
          permissionSet: o.permissionSet,
          account: o.account,
        };
        const r =
          verb === "assign"
            ? await a.assign(
                input,
                Boolean(o.dryRun),
                progress(`${verb} ${o.permissionSet} to ${who} in ${o.account}`),
              )
            : await a.unassign(
                input,
                Boolean(o.dryRun),
                progress(`${verb} ${o.permissionSet} from ${who} in ${o.account}`),
              );
        done(
          o,
          { action: verb, ...r },
          `${verb === "assign" ? "assigned" : "unassigned"} ${o.permissionSet} ${verb === "assign" ? "to" : "from"} ${who} in ${r.accountId}: ${r.status}`,
        );
      }),
    );
  }
  common(
    admin
      .command("provision")
      .argument("<permission-set>")
      .option("--account <id|name>", "one account (default: every account it is provisioned to)")
      .description("re-provision a permission set after changing it"),
    true,
  ).action(
    withAdmin(async (a, name: string, o: Common & { account?: string }) => {
      const r = await a.provision(name, o.account, Boolean(o.dryRun), progress(`provision ${name}`));
      done(o, { action: "provision", name, ...r }, `provisioned ${name} to ${r.target}: ${r.status}`);
    }),
  );
  common(
    admin
      .command("access")
      .option("--user <name>")
      .option("--account <id|name>", "12-digit account id, or the account's name")
      .description(
        "who can use what: a user's accounts and permission sets (direct or through which group), or everyone in an account",
      ),
  ).action(
    withAdmin(async (a, o: Common & { user?: string; account?: string }) => {
      if ((o.user === undefined) === (o.account === undefined))
        throw usageError(
          "give exactly one of --user NAME or --account ID|NAME",
          "portico admin access --user jane",
        );
      if (o.user !== undefined) {
        const rows = await a.accessForUser(o.user);
        if (o.json) printJson(ctx, rows);
        else
          printLine(
            ctx,
            table([
              ["ACCOUNT", "PERMISSION SET", "VIA"],
              ...rows.map((r) => [r.accountId, r.permissionSet, r.via]),
            ]),
          );
      } else {
        const rows = await a.accessForAccount(o.account!);
        if (o.json) printJson(ctx, rows);
        else
          printLine(
            ctx,
            table([
              ["PERMISSION SET", "TYPE", "PRINCIPAL"],
              ...rows.map((r) => [r.permissionSet, r.principalType, r.principal]),
            ]),
          );
      }
    }),
  );
  // ---------------------------------------------------------------- declarative
  const loadPlan = async (file: string) => {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      throw usageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    const { parsePlan } = await import("../../admin/plan");
    return await parsePlan(text, file);
  };
  common(
    admin
      .command("plan")
      .argument("<file>", "desired state (YAML or JSON, docs/admin.md)")
      .description("show the exact changes that would make Identity Center match FILE (reads only)"),
  ).action(async (file: string, o: Common) => {
    const want = await loadPlan(file);
    const a = await open(o);
    try {
      const { computePlan, describeChange } = await import("../../admin/plan");
      const changes = await computePlan(a, want);
      if (o.json) printJson(ctx, changes);
      else {
        for (const c of changes) printLine(ctx, `+ ${describeChange(c)}`);
        info(
          ctx,
          changes.length
            ? `${changes.length} change(s); apply them with: portico admin apply ${file}`
            : "nothing to change",
        );
      }
    } finally {
      a.api.destroy();
    }
  });
  common(
    admin
      .command("apply")
      .argument("<file>", "desired state (YAML or JSON, docs/admin.md)")
      .option("--rate <tps>", "API calls per second at most (Identity Center allows 20 in all)", "20")
      .option("--concurrency <n>", "changes in flight at once", "8")
      .description("make Identity Center match FILE: only the missing changes, in dependency order, paced"),
    true,
  ).action(async (file: string, o: Common & { rate: string; concurrency: string }) => {
    const rate = Number(o.rate);
    const concurrency = Number.parseInt(o.concurrency, 10);
    if (!(rate > 0 && rate <= 1000))
      throw usageError(`--rate must be a number from 0 to 1000 (got ${o.rate})`);
    if (!(concurrency >= 1 && concurrency <= 64))
      throw usageError(`--concurrency must be from 1 to 64 (got ${o.concurrency})`);
    const want = await loadPlan(file);
    const { openAdmin } = await import("../../admin/index");
    const a = await openAdmin(
      { env: ctx.env, now: ctx.now },
      {
        ...(o.profile !== undefined ? { profile: o.profile } : {}),
        ...(o.region ? { region: o.region } : {}),
        ...(o.instanceArn ? { instanceArn: o.instanceArn } : {}),
      },
      { rate },
    );
    try {
      const { applyPlan, computePlan, describeChange } = await import("../../admin/plan");
      const changes = await computePlan(a, want);
      if (o.dryRun || changes.length === 0) {
        if (o.json)
          printJson(ctx, { changes: changes.map(describeChange), applied: [], dryRun: Boolean(o.dryRun) });
        else {
          for (const c of changes) printLine(ctx, `+ ${describeChange(c)}`);
          info(
            ctx,
            changes.length ? `dry run: ${changes.length} change(s) not applied` : "nothing to change",
          );
        }
        return;
      }
      let shown = 0;
      const r = await applyPlan(a, changes, {
        concurrency,
        onApplied: (c, n, total) => {
          if (!o.json && (n - shown >= 25 || n === total || ctx.color)) {
            shown = n;
            info(ctx, `[${n}/${total}] ${describeChange(c)}`);
          }
        },
      });
      if (o.json) printJson(ctx, r);
      else {
        const calls = r.calls
          ? ` (${r.calls.sent} API calls; ${r.calls.throttled} answered throttled, ${r.calls.faults} server/network faults; retried)`
          : "";
        info(ctx, `applied ${r.applied.length} of ${changes.length} change(s)${calls}`);
        if (r.failed)
          info(
            ctx,
            [
              `stopped at: ${r.failed.change}: ${r.failed.error}`,
              ...(r.alsoFailed ?? []).map((f) => `also failed: ${f.change}: ${f.error}`),
              `not attempted: ${r.notAttempted.length}`,
            ].join("\n"),
          );
      }
      if (r.failed) {
        const stopped = new PorticoError(
          "admin_apply_stopped",
          `apply stopped after ${r.applied.length} change(s): ${r.failed.change} failed (${r.failed.code})`,
          {
            exitCode: ExitCode.service,
            hint: `Fix the cause, then run the same apply again: it applies only what is still missing (portico admin plan ${file})`,
          },
        );
        // With --json the result document above already says what stopped: stdout holds one document.
        if (!o.json) throw stopped;
        errorLines(ctx, stopped.message, stopped.hint);
        return stopped.exitCode;
      }
    } finally {
      a.api.destroy();
    }
  });
  addExamples(admin);
}
