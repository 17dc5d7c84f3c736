/**
 * `portico sync [--sso-session S]`: a profile for every account × role of one sso-session, in that
 * session's managed block of ~/.aws/config (docs/sync.md). Thin: flags → src/sync/sync.ts → render.
 * Progress on stderr (a live line on a TTY, a line per phase otherwise); `--json` result on stdout.
 */
import type { Command } from "commander";
import { ExitCode, PorticoError, usageError } from "../../errors";
import type { SyncSettings } from "../../sync/settings";
import type { CliContext } from "../context";
import { info, printJson, warn } from "../output";

interface SyncFlags {
  ssoSession?: string;
  name?: string;
  lowerCase?: boolean;
  separator?: string;
  includeAccount: string[];
  excludeAccount: string[];
  includeRole: string[];
  excludeRole: string[];
  region?: string;
  output?: string;
  prune?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  refresh?: boolean;
  maxAge?: string;
  concurrency?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function register(program: Command, ctx: CliContext): void {
  program
    .command("sync")
    .description("write a profile for every account and role of an SSO session (kept current, pruned)")
    .option("--sso-session <name>", "the [sso-session] to sync (default: the only one in the config)")
    .option(
      "--name <template>",
      "profile name template (default {account_name}-{role_name}); fields: {account_name} {account_id} {account_email} {role_name} {session_name}",
    )
    .option("--lower-case", "lower-case the generated names")
    .option("--separator <s>", "what replaces characters a profile name cannot hold (default -)")
    .option(
      "--include-account <id|glob>",
      "only this account id or account-name glob (repeatable)",
      collect,
      [],
    )
    .option(
      "--exclude-account <id|glob>",
      "skip this account id or account-name glob (repeatable)",
      collect,
      [],
    )
    .option("--include-role <glob>", "only roles matching this glob (repeatable)", collect, [])
    .option("--exclude-role <glob>", "skip roles matching this glob (repeatable)", collect, [])
    .option("--region <region>", "default client region of the generated profiles")
    .option("--output <format>", "default output format of the generated profiles (json, yaml, text, table)")
    .option("--prune", "remove profiles of accounts and roles that are gone (the default)")
    .option("--no-prune", "keep profiles of accounts and roles that are gone (kept as a setting)")
    .option("--dry-run", "print the unified diff of the config file; change nothing")
    .option("-y, --yes", "write without asking")
    .option("--refresh", "list every account's roles again (ignore the discovery cache)")
    .option("--max-age <seconds>", "reuse roles listed less than this long ago (default 3600)")
    .option("--concurrency <n>", "portal calls in flight at most (default 16)")
    .option("--json", "print the result as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  portico sync --sso-session acme --dry-run\n  portico sync --sso-session acme --name '{account_name}.{role_name}' --lower-case --region eu-west-1 --yes\n  portico sync --exclude-account 'sandbox-*' --exclude-role 'Billing*' --yes\n",
    )
    .action(async (flags: SyncFlags) => syncAction(ctx, flags));
}

function positiveInt(flag: string, v: string | undefined, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max)
    throw usageError(`${flag} must be an integer from 1 to ${max} (got ${v})`);
  return Number(v);
}

async function syncAction(ctx: CliContext, flags: SyncFlags): Promise<void> {
  const concurrency = positiveInt("--concurrency", flags.concurrency, 64);
  const maxAge = flags.maxAge === "0" ? 0 : positiveInt("--max-age", flags.maxAge, 31_536_000);
  const { loadAwsConfig } = await import("../../config/load");
  const config = await loadAwsConfig(ctx.env);
  const ssoSession = flags.ssoSession ?? onlySession(config.ssoSessions);
  const { settingsCommand } = await import("../../sync/settings");
  const filters = {
    includeAccounts: flags.includeAccount,
    excludeAccounts: flags.excludeAccount,
    includeRoles: flags.includeRole,
    excludeRoles: flags.excludeRole,
  };
  // The block's settings, as the flags give them: for the command that regenerates it and for the run.
  const settings: SyncSettings = {
    ...(flags.name !== undefined ? { template: flags.name } : {}),
    ...(flags.lowerCase ? { lowerCase: true } : {}),
    ...(flags.separator !== undefined ? { separator: flags.separator } : {}),
    filters,
    ...(flags.region !== undefined ? { region: flags.region } : {}),
    ...(flags.output !== undefined ? { output: flags.output } : {}),
    ...(flags.prune === false ? { noPrune: true } : {}),
  };
  const command = `${settingsCommand(ssoSession, settings)}${flags.refresh ? " --refresh" : ""}`;
  if (!flags.dryRun && !flags.yes && !ctx.interactive)
    throw new PorticoError("answer_required", "portico sync asks before it writes, and this run cannot ask", {
      exitCode: ExitCode.signInRequired,
      hint: `${command} --yes   (or --dry-run to see the diff first)`,
    });
  const { runSync } = await import("../../sync/sync");
  const { phaseLine, progressLine } = await import("../../sync/progress");
  const live = ctx.color && !flags.json;
  let lastPhase: string | undefined;
  let lastPaint = 0;
  const progress = (p: import("../../sync/discover").DiscoveryProgress) => {
    if (live) {
      const t = Date.now();
      if (t - lastPaint < 100 && p.phase !== "done") return;
      lastPaint = t;
      ctx.stderr.write(`\r\x1b[K${progressLine(p)}${p.phase === "done" ? "\n" : ""}`);
      return;
    }
    const line = phaseLine(p, lastPhase as typeof p.phase | undefined);
    lastPhase = p.phase;
    if (line) info(ctx, line);
  };
  const abort = new AbortController();
  const onSigint = () =>
    abort.abort(new PorticoError("cancelled", "Cancelled", { exitCode: ExitCode.cancelled }));
  process.once("SIGINT", onSigint);
  try {
    const r = await runSync(
      {
        env: ctx.env,
        now: ctx.now,
        config,
        progress,
        signal: abort.signal,
        ...(!flags.yes && !flags.dryRun
          ? {
              confirm: async (plan, file) => {
                info(ctx, summary(plan, file));
                const { confirm } = await import("@inquirer/prompts");
                try {
                  return await confirm(
                    { message: `Write ${file}?`, default: true },
                    { output: process.stderr },
                  );
                } catch (e) {
                  if ((e as Error)?.name === "ExitPromptError") return false;
                  throw e;
                }
              },
            }
          : {}),
      },
      {
        ssoSession,
        ...settings,
        // The run states pruning either way (the command line above records only --no-prune).
        ...(flags.prune !== undefined ? { noPrune: !flags.prune } : {}),
        ...(flags.dryRun ? { dryRun: true } : {}),
        ...(flags.refresh ? { refresh: true } : {}),
        ...(maxAge !== undefined ? { maxAgeSeconds: maxAge } : {}),
        ...(concurrency !== undefined ? { concurrency } : {}),
      },
    );
    // The picker's index for the profiles just written, so the next `pc` draws at once (src/sync/pick-index.ts).
    if (r.written) await (await import("../../sync/pick-list")).buildPickIndex(ctx.env).catch(() => false);
    for (const s of r.skipped.slice(0, 20))
      warn(
        ctx,
        s.reason === "user_profile"
          ? `skipped ${s.name} (${s.accountId} ${s.roleName}): your own profile of that name (line ${s.line}) wins`
          : s.reason === "unwritable_name"
            ? `skipped ${s.name} (${s.accountId} ${s.roleName}): not a name other tools can read`
            : `skipped ${s.name}: the portal sent an account id or role name that cannot be written safely`,
      );
    if (r.skipped.length > 20) warn(ctx, `… and ${r.skipped.length - 20} more skipped (see --json)`);
    if (flags.json) {
      printJson(ctx, r);
      return;
    }
    if (flags.dryRun) {
      if (r.diff) ctx.stdout.write(r.diff);
      info(ctx, `${counts(r)} (dry run: nothing written)`);
      return;
    }
    info(
      ctx,
      r.written
        ? `${counts(r)}: ${config.paths.configFileDisplay} written.`
        : `${counts(r)}: nothing to change.`,
    );
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}

function counts(r: {
  profiles: number;
  accounts: number;
  added: string[];
  changed: string[];
  removed: string[];
  skipped: unknown[];
}): string {
  return `${r.profiles} profiles from ${r.accounts} accounts — ${r.added.length} added, ${r.changed.length} changed, ${r.removed.length} removed, ${r.skipped.length} skipped`;
}

function summary(
  plan: { added: string[]; changed: string[]; removed: string[]; kept: string[]; profiles: unknown[] },
  file: string,
): string {
  const names = (l: string[]) =>
    l.length === 0
      ? ""
      : `: ${l.slice(0, 15).join(", ")}${l.length > 15 ? `, … (${l.length - 15} more)` : ""}`;
  return [
    `portico sync will change ${file}:`,
    `  added   ${plan.added.length}${names(plan.added)}`,
    `  changed ${plan.changed.length}${names(plan.changed)}`,
    `  removed ${plan.removed.length}${names(plan.removed)}`,
    ...(plan.kept.length ? [`  kept (--no-prune) ${plan.kept.length}${names(plan.kept)}`] : []),
  ].join("\n");
}

function onlySession(sessions: Map<string, unknown>): string {
  const names = [...sessions.keys()];
  if (names.length === 1) return names[0]!;
  if (names.length === 0)
    throw new PorticoError("sso_session_not_found", "There is no [sso-session] in the config to sync", {
      exitCode: ExitCode.config,
      hint: "portico setup   (or: portico configure sso-session NAME)",
    });
  throw usageError(
    `The config has ${names.length} sso-sessions (${names.join(", ")}); say which to sync`,
    `portico sync --sso-session ${names[0]}`,
  );
}
