/**
 * `portico sync` as a library function (docs/sync.md): discover every account × role of one
 * sso-session, plan the managed block, show or write it. The write is one atomic replacement of
 * ~/.aws/config at the end, under the config lock (src/config/edit.ts `editConfigFile`): an interrupted
 * sync (Ctrl-C, a failure, a kill) leaves the file exactly as it was and the discovery cache usable.
 */

import { ConfigDocument } from "../config/document";
import { editConfigFile } from "../config/edit";
import { type AwsConfig, readConfigText } from "../config/load";
import type { LineScan } from "../config/scan";
import { ExitCode, PorticoError } from "../errors";
import { openPortal } from "../portal/client";
import { createPacedRunner, type PacerStats } from "../portal/paced";
import { shellWord, ssoSessionByName } from "../sso/session";
import { getSsoToken } from "../sso/token-provider";
import type { GeneratedProfile } from "./block";
import { type DiscoveryCache, readDiscoveryCache, syncCacheFile, writeDiscoveryCache } from "./cache";
import { unifiedDiff } from "./diff";
import { type DiscoveryProgress, discover } from "./discover";
import { findExisting, planSync, type Skipped, type SyncPlan, textLines } from "./plan";
import { parseSettingsCommand, type SyncSettings, settingsCommand } from "./settings";
import { checkSeparator, DEFAULT_TEMPLATE, parseTemplate } from "./template";

export interface SyncDeps {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  config: AwsConfig;
  progress?: (p: DiscoveryProgress) => void;
  /** Asked before writing (interactive runs); false → nothing written. */
  confirm?: (plan: SyncPlan, file: string) => Promise<boolean>;
  signal?: AbortSignal;
}

/** The block's settings (src/sync/settings.ts) and how this run goes. */
export interface SyncOptions extends SyncSettings {
  ssoSession: string;
  dryRun?: boolean;
  refresh?: boolean;
  /** Reuse roles listed less than this long ago (default 3600 s). */
  maxAgeSeconds?: number;
  concurrency?: number;
}

export interface SyncResult {
  ssoSession: string;
  startUrl: string;
  file: string;
  dryRun: boolean;
  written: boolean;
  accounts: number;
  profiles: number;
  added: string[];
  changed: string[];
  removed: string[];
  kept: string[];
  skipped: Skipped[];
  discovery: PacerStats & { rolesReused: number; elapsedMs: number };
  cacheFile: string;
  diff?: string;
}

export const DEFAULT_MAX_AGE_SECONDS = 3600;

const OUTPUTS = ["json", "yaml", "yaml-stream", "text", "table"];

/** The options actually given (undefined and empty filter lists dropped), to lay over stored settings. */
function defined(o: SyncOptions): Partial<SyncOptions> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  const f = o.filters;
  if (
    f &&
    ![f.includeAccounts, f.excludeAccounts, f.includeRoles, f.excludeRoles].some((l) => l && l.length > 0)
  )
    delete out["filters"];
  return out as Partial<SyncOptions>;
}

export async function runSync(deps: SyncDeps, options: SyncOptions): Promise<SyncResult> {
  const { config } = deps;
  const session = ssoSessionByName(config, options.ssoSession);
  const file = config.paths.configFile;
  const display = config.paths.configFileDisplay;
  const paths = config.paths;
  const cache: DiscoveryCache = (await readDiscoveryCache(paths, options.ssoSession, session.startUrl)) ?? {
    version: 1,
    ssoSession: options.ssoSession,
    startUrl: session.startUrl,
    accounts: [],
  };
  const lastWritten = cache.written?.file === file ? cache.written.profiles : undefined;
  // Before any network: a hand-edited or duplicated block stops here (nothing listed, nothing written);
  // the block's note line holds the settings it was made with, which flags given now override.
  const existing = findExisting(textLines((await readConfigText(file, display)) ?? ""), {
    sessionName: options.ssoSession,
    file: display,
    ...(lastWritten ? { lastWritten } : {}),
  });
  const o = {
    ...(existing ? parseSettingsCommand(existing.command) : {}),
    ...defined(options),
  } as SyncOptions;
  const template = parseTemplate(o.template ?? DEFAULT_TEMPLATE);
  if (o.separator !== undefined) checkSeparator(o.separator);
  if (o.output !== undefined && !OUTPUTS.includes(o.output))
    throw new PorticoError("usage", `--output must be one of ${OUTPUTS.join(", ")} (got "${o.output}")`, {
      exitCode: ExitCode.usage,
      hint: "portico sync --output json",
    });
  if (o.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(o.region))
    throw new PorticoError("usage", `--region "${o.region}" is not a region name such as eu-west-1`, {
      exitCode: ExitCode.usage,
      hint: "portico sync --region eu-west-1",
    });
  const settings: SyncSettings = {
    ...(o.template !== undefined && o.template !== DEFAULT_TEMPLATE ? { template: o.template } : {}),
    ...(o.lowerCase ? { lowerCase: true } : {}),
    ...(o.separator !== undefined ? { separator: o.separator } : {}),
    ...(o.filters ? { filters: o.filters } : {}),
    ...(o.region !== undefined ? { region: o.region } : {}),
    ...(o.output !== undefined ? { output: o.output } : {}),
    ...(o.noPrune ? { noPrune: true } : {}),
  };
  const command = settingsCommand(options.ssoSession, settings);
  const nameOptions = {
    ...(o.lowerCase ? { lowerCase: true } : {}),
    ...(o.separator !== undefined ? { separator: o.separator } : {}),
  };
  const planFor = (
    text: string,
    accounts: Parameters<typeof planSync>[0]["accounts"],
    last?: GeneratedProfile[],
  ) =>
    planSync({
      text,
      file: display,
      sessionName: o.ssoSession,
      startUrl: session.startUrl,
      accounts,
      template,
      nameOptions,
      command,
      ...(o.filters ? { filters: o.filters } : {}),
      ...(o.region !== undefined ? { region: o.region } : {}),
      ...(o.output !== undefined ? { output: o.output } : {}),
      ...(o.noPrune ? { noPrune: true } : {}),
      ...(last ? { lastWritten: last } : {}),
    });

  const loginArgs = `--sso-session ${shellWord(o.ssoSession)}`;
  const ssoDeps = { env: deps.env, now: deps.now, paths };
  const pacer = createPacedRunner({
    concurrency: o.concurrency ?? 16,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  const portal = await openPortal({ region: session.region, env: deps.env, loginArgs }, { pacer });
  let rolesReused = 0;
  let elapsedMs = 0;
  let accounts: Awaited<ReturnType<typeof discover>>;
  try {
    accounts = await discover(
      {
        portal,
        token: async () => (await getSsoToken(ssoDeps, session, loginArgs)).accessToken,
        cache,
        saveCache: (c) => writeDiscoveryCache(paths, c),
        now: () => deps.now().getTime(),
        progress: (p) => {
          rolesReused = p.rolesReused;
          elapsedMs = p.elapsedMs;
          deps.progress?.(p);
        },
        stats: pacer.stats,
        ...(deps.signal ? { signal: deps.signal } : {}),
      },
      {
        maxAgeMs: (o.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS) * 1000,
        ...(o.refresh ? { refresh: true } : {}),
        ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
      },
    );
  } catch (e) {
    if (deps.signal?.aborted)
      throw new PorticoError(
        "cancelled",
        `Cancelled; ${display} was not changed. The next sync resumes the listing.`,
        {
          exitCode: ExitCode.cancelled,
          cause: e,
        },
      );
    if (e instanceof PorticoError && e.exitCode !== ExitCode.signInRequired)
      throw new PorticoError(
        e.code,
        `${e.message}. ${display} was not changed; what was listed is kept, so the next sync resumes.`,
        {
          exitCode: e.exitCode,
          hint: e.hint ?? `portico sync ${loginArgs}`,
          cause: e,
          ...(e.details ? { details: e.details } : {}),
        },
      );
    throw e;
  } finally {
    portal.close();
  }

  const before = (await readConfigText(file, display)) ?? "";
  let plan = planFor(before, accounts, lastWritten);
  const result = (written: boolean, p: SyncPlan, diff?: string): SyncResult => ({
    ssoSession: o.ssoSession,
    startUrl: session.startUrl,
    file,
    dryRun: Boolean(o.dryRun),
    written,
    accounts: accounts.length,
    profiles: p.profiles.length,
    added: p.added,
    changed: p.changed,
    removed: p.removed,
    kept: p.kept,
    skipped: p.skipped,
    discovery: { ...pacer.stats(), rolesReused, elapsedMs },
    cacheFile: syncCacheFile(paths, o.ssoSession, session.startUrl),
    ...(diff !== undefined ? { diff } : {}),
  });
  if (o.dryRun) {
    const after = plan.changes ? applyPlan(before, plan) : before;
    return result(false, plan, unifiedDiff(before, after, display));
  }
  if (plan.changes && deps.confirm && !(await deps.confirm(plan, display)))
    throw new PorticoError("cancelled", `Cancelled; ${display} was not changed.`, {
      exitCode: ExitCode.cancelled,
    });

  // Under the lock the file is read again; planning is pure, so when nobody wrote it in between, the plan
  // already shown holds (a 21,000-profile plan is ~100 ms of the write).
  const shown = plan;
  const edit = await writeSyncPlan(file, (text) =>
    text === before ? shown : planFor(text, accounts, lastWritten),
  );
  plan = edit.plan;
  cache.written = { file, profiles: plan.profiles };
  await writeDiscoveryCache(paths, cache);
  return result(edit.changed, plan);
}

/**
 * The one write of a sync: under the config lock, plan on the file's current text (another tool may
 * have written since the summary was shown), replace the block, check every generated profile reads
 * back, write atomically — or nothing at all when the block is unchanged.
 */
export async function writeSyncPlan(
  file: string,
  plan: (text: string) => SyncPlan,
): Promise<{ changed: boolean; plan: SyncPlan }> {
  let p: SyncPlan | undefined;
  const r = await editConfigFile(file, (ed) => {
    p = plan(ed.text());
    if (!p.changes) return;
    if (p.replacesId) ed.removeManagedBlock(p.replacesId);
    ed.replaceManagedBlock(p.id, p.body);
    const planned = p;
    ed.checkResult((result) => verifyGenerated(result.lines, planned, file));
  });
  return { changed: r.changed, plan: p! };
}

/** The text with the plan applied (pure; what `editConfigFile` writes), for --dry-run. */
export function applyPlan(text: string, plan: SyncPlan): string {
  // The same document operations as the real write, without the file.
  const doc = ConfigDocument.parse(text);
  if (plan.replacesId) doc.removeManagedBlock(plan.replacesId);
  doc.replaceManagedBlock(plan.id, plan.body);
  return doc.toString();
}

/**
 * The block in the edited text is exactly the planned body, between its markers; else nothing is
 * written. Together with what the plan guarantees (names by the config layer's rule, values of the
 * characters every parser reads alike, no name shared with a profile outside the block) and
 * editConfigFile's own check that the whole file parses as botocore parses it, every generated profile
 * reads back as planned (botocore's reading is checked end to end in test/sync/interop.test.ts).
 * `lines` is the config layer's one scan of the exact text about to be written (`checkResult`): lines
 * are compared where they lie in that text, so the 2 MiB result of a large sync is neither re-rendered
 * nor split into strings again.
 */
function verifyGenerated(lines: LineScan, plan: SyncPlan, file: string): void {
  const text = lines.text;
  const is = (i: number, expected: string): boolean =>
    i < lines.lineCount &&
    lines.lineEnd(i) - lines.lineStart[i]! === expected.length &&
    text.startsWith(expected, lines.lineStart[i]!);
  const begin = `# >>> portico managed: ${plan.id}`;
  let b = -1;
  for (let i = 0; i < lines.lineCount && b === -1; i++) if (is(i, begin)) b = i;
  const e = b === -1 ? -1 : b + plan.body.length + 1;
  // The body's lines hold no line break (the document refuses them), so the body joined with the
  // break that follows the begin marker, found right after it and ending where the scan's line e
  // starts, is exactly the planned lines: one comparison of the whole block (line by line otherwise).
  let ok = b !== -1 && e < lines.lineCount && is(e, `# <<< portico managed: ${plan.id}`);
  if (ok && plan.body.length > 0) {
    const s = lines.lineStart[b + 1]!;
    const eol = text.slice(lines.lineEnd(b), s);
    const body = `${plan.body.join(eol)}${eol}`;
    ok = lines.lineStart[e]! - s === body.length && text.startsWith(body, s);
    // Else (a file of mixed line breaks) line by line.
    if (!ok) ok = plan.body.every((l, i) => is(b + 1 + i, l));
  }
  if (!ok)
    throw new PorticoError(
      "config_edit_unsafe",
      `refusing to write ${file}: the managed block would not hold the planned profiles`,
      {
        exitCode: ExitCode.internal,
        hint: "the file was left unchanged; please report this with the file's structure (not its secrets)",
      },
    );
}
