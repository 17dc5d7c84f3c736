/**
 * The checks of `portico doctor`, pure functions over gathered facts (docs/doctor.md lists every id).
 * Rules that exist elsewhere are called, not restated: config findings from src/config/lint.ts, the
 * profile classifier from src/config/describe.ts, profile/session validation from src/sso/session.ts,
 * the token policy from src/sso/token-provider.ts, the profile/region precedence from src/config/paths.ts.
 */
import { shlexSplit } from "../config/botocore";
import { configValue, profileKind } from "../config/describe";
import type { LintFinding } from "../config/lint";
import type { AwsConfig, SectionView } from "../config/load";
import { nearestNames, type ProfileSelection, resolveProfileName } from "../config/paths";
import { isPorticoError } from "../errors";
import { shellWord, ssoProfile } from "../sso/session";
import { canRefresh, REFRESH_WINDOW_MS } from "../sso/token-provider";
import type { ConfigOp, CredentialProcessFact, Facts, FileFact, Finding, Group, Status } from "./types";

const mode = (m: number | undefined) => (m === undefined ? "?" : `0${m.toString(8).padStart(3, "0")}`);
const mk = (
  group: Group,
  id: string,
  status: Status,
  message: string,
  evidence: string[] = [],
  extra: Partial<Finding> = {},
): Finding => ({ id, group, status, message, evidence, ...extra });

/** Minutes/hours for people. */
function left(ms: number): string {
  const abs = Math.abs(ms);
  const m = Math.round(abs / 60_000);
  const text = m < 60 ? `${m}m` : `${Math.floor(m / 60)}h ${m % 60}m`;
  return ms < 0 ? `${text} ago` : `in ${text}`;
}

// ------------------------------------------------------------------------------------------- tools

/** "aws-cli/2.15.0 Python/…" → [2, 15, 0]. */
export function awsCliVersion(line: string | undefined): [number, number, number] | undefined {
  const m = /aws-cli\/(\d+)\.(\d+)\.(\d+)/.exec(line ?? "");
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function toolChecks(f: Facts): Finding[] {
  const out: Finding[] = [];
  const [first, ...rest] = f.aws;
  if (!first) {
    out.push(
      mk(
        "tools",
        "tools.aws_cli",
        "warning",
        "the AWS CLI is not on PATH (portico does not need it; the guides' `aws …` commands do)",
        [`PATH=${f.env["PATH"] ?? ""}`],
        {
          fix: "install AWS CLI v2 ≥ 2.9: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html",
        },
      ),
    );
  } else {
    const v = awsCliVersion(first.version);
    const ev = [`${first.path}: ${first.version ?? first.error ?? "no version"}`];
    const others = rest.map((t) => `${t.path}: ${t.version ?? t.error ?? "no version"}`);
    const v2Later = rest.find((t) => (awsCliVersion(t.version)?.[0] ?? 0) >= 2);
    if (!v && first.error?.startsWith("did not answer")) {
      out.push(
        mk(
          "tools",
          "tools.aws_cli",
          "warning",
          `the first aws on PATH (${first.path}) did not report its version in time (a slow start, or a machine under load)`,
          [...ev, ...others],
          {
            fix: `run ${first.path} --version yourself; then portico doctor again`,
          },
        ),
      );
    } else if (!v) {
      out.push(
        mk(
          "tools",
          "tools.aws_cli",
          "problem",
          `the first aws on PATH (${first.path}) does not run`,
          [...ev, ...others],
          {
            fix: v2Later
              ? `put ${v2Later.path.replace(/\/aws$/, "")} before ${first.path.replace(/\/aws$/, "")} in PATH, or remove the broken one`
              : "reinstall AWS CLI v2 ≥ 2.9",
          },
        ),
      );
    } else if (v[0] < 2) {
      out.push(
        mk(
          "tools",
          "tools.aws_cli",
          "problem",
          `the first aws on PATH is AWS CLI v1 (${v.join(".")}): it has no \`aws sso login\` or sso-session support`,
          [...ev, ...others],
          {
            fix: v2Later
              ? `AWS CLI v2 is installed at ${v2Later.path} but shadowed: put ${v2Later.path.replace(/\/aws$/, "")} first in PATH (or uninstall v1, e.g. \`pip uninstall awscli\`)`
              : "install AWS CLI v2 ≥ 2.9 and remove v1 (pip uninstall awscli)",
          },
        ),
      );
    } else if (v[0] === 2 && v[1] < 9) {
      out.push(
        mk(
          "tools",
          "tools.aws_cli",
          "warning",
          `AWS CLI ${v.join(".")} is older than 2.9 (no sso-session token refresh)`,
          [...ev, ...others],
          {
            fix: "upgrade AWS CLI v2 to ≥ 2.9",
          },
        ),
      );
    } else {
      out.push(mk("tools", "tools.aws_cli", "ok", `AWS CLI ${v.join(".")}`, ev));
    }
    if (rest.length > 0) {
      out.push(
        mk(
          "tools",
          "tools.aws_cli_several",
          "warning",
          `${f.aws.length} aws executables on PATH; a shell runs the first (${first.path})`,
          [...ev, ...others],
          {
            fix: "keep one AWS CLI (v2) on PATH, or make sure the one you want comes first",
          },
        ),
      );
    }
  }
  const py = f.python;
  if (!py)
    out.push(mk("tools", "tools.python_sdk", "ok", "python3 not found (boto3 not checked; not required)"));
  else if (py.error)
    out.push(
      mk("tools", "tools.python_sdk", "ok", "python3 found but could not be asked for boto3 (not required)", [
        `${py.python}: ${py.error}`,
      ]),
    );
  else
    out.push(
      mk(
        "tools",
        "tools.python_sdk",
        "ok",
        py.botocore
          ? `boto3 ${py.boto3 ?? "(not installed)"}, botocore ${py.botocore}`
          : "boto3 not installed for python3 (not required)",
        [py.python],
      ),
    );
  const node = f.nodeSdk;
  if (!node)
    out.push(
      mk(
        "tools",
        "tools.node_sdk",
        "ok",
        "no Node.js project here declares the AWS SDK for JavaScript (checked from the working folder up; not required)",
      ),
    );
  else {
    const ver = (d: { installed?: string }) => d.installed ?? "not installed";
    out.push(
      mk(
        "tools",
        "tools.node_sdk",
        "ok",
        `AWS SDK for JavaScript in ${node.packageJson}: ${node.declared.map((d) => `${d.name} ${ver(d)}`).join(", ")}`,
        [
          ...node.declared.map(
            (d) =>
              `${d.name}: wanted ${d.range}, ${d.installed ? `installed ${d.installed} at ${d.at}` : "not installed (npm install)"}`,
          ),
          ...node.providers.map((p) => `${p.name} ${p.installed} at ${p.at}`),
        ],
      ),
    );
  }
  return out;
}

// ------------------------------------------------------------------------------------------- files

export function fileChecks(f: Facts): Finding[] {
  const out: Finding[] = [];
  const { files, paths } = f;
  if (!files.awsDir.exists && !files.config.exists && !files.credentials.exists) {
    out.push(
      mk(
        "files",
        "files.first_run",
        "problem",
        "no AWS configuration here yet (no ~/.aws, no config or credentials file)",
        [`${paths.configFileDisplay}: missing`, `${paths.credentialsFileDisplay}: missing`],
        {
          fix: "portico setup   (or: portico configure sso-session NAME, then portico configure sso --profile NAME)",
        },
      ),
    );
    return out;
  }
  // Symlinks to nothing: botocore reads such a file as missing; editors replace the link.
  for (const [what, ff, display] of [
    ["config", files.config, paths.configFileDisplay],
    ["credentials", files.credentials, paths.credentialsFileDisplay],
  ] as const) {
    if (ff.dangling)
      out.push(
        mk(
          "files",
          "files.dangling_symlink",
          "problem",
          `the ${what} file ${display} is a symlink to a file that does not exist`,
          [ff.path],
          {
            subject: ff.path,
            fix: `restore the link's target or remove the link: ls -l ${shellWord(ff.path)}`,
          },
        ),
      );
  }
  // Lint findings (what botocore refuses, what the SDK for JavaScript reads differently): content facts.
  out.push(...f.content.files);
  // Permissions.
  const perm = (id: string, status: Status, ff: FileFact, want: number, why: string) => {
    if (!ff.exists || ff.mode === undefined || (ff.mode & ~want & 0o777) === 0) return false;
    out.push(
      mk("files", id, status, `${ff.path} is ${mode(ff.mode)}: ${why}`, [`${ff.path}: ${mode(ff.mode)}`], {
        subject: ff.path,
        fix: `chmod ${mode(ff.mode & want)} ${shellWord(ff.path)}`,
        action: { kind: "chmod", path: ff.path, from: ff.mode, to: ff.mode & want },
      }),
    );
    return true;
  };
  let loose = false;
  loose =
    perm(
      "files.permissions",
      "warning",
      files.awsDir,
      0o700,
      "others can look into ~/.aws (0700 keeps caches private)",
    ) || loose;
  loose =
    perm(
      "files.permissions",
      "problem",
      files.credentials,
      0o600,
      "the credentials file holds secrets; only you should read it",
    ) || loose;
  loose =
    perm("files.permissions", "warning", files.config, 0o644, "others can change your config file") || loose;
  loose =
    perm("files.permissions", "warning", files.ssoCache, 0o700, "the token cache folder should be private") ||
    loose;
  loose =
    perm(
      "files.permissions",
      "warning",
      files.cliCache,
      0o700,
      "the credential cache folder should be private",
    ) || loose;
  let tokensLoose = 0;
  for (const c of files.cacheFiles)
    if (perm("files.token_permissions", "problem", c, 0o600, "a cached token or credential others can read"))
      tokensLoose++;
  if (!loose && tokensLoose === 0)
    out.push(
      mk("files", "files.permissions", "ok", "~/.aws, the caches and the credentials file are private", [
        `${files.awsDir.path}: ${mode(files.awsDir.mode)}`,
        ...(files.credentials.exists ? [`${files.credentials.path}: ${mode(files.credentials.mode)}`] : []),
        `${files.cacheFiles.length} cache file(s) checked`,
      ]),
    );
  for (const b of files.backups) {
    out.push(
      mk(
        "files",
        "files.backup",
        "warning",
        `a backup portico kept before its first edit is still there (${b.path})`,
        [`${b.path}: ${mode(b.mode)}`],
        {
          subject: b.path,
          fix: `compare it (diff ${shellWord(b.path)} ${shellWord(b.path.replace(/\.portico-backup$/, ""))}) and delete it when you no longer need it (it may hold old secrets)`,
        },
      ),
    );
  }
  return out;
}

/** The lint findings as doctor findings (a content check: the files' text only). */
export function lintChecks(lint: LintFinding[], anyFile: boolean): Finding[] {
  const out: Finding[] = [];
  for (const l of lint) {
    out.push(
      mk(
        "files",
        l.severity === "error" ? "files.parse" : "files.divergence",
        l.severity === "error" ? "problem" : "warning",
        l.message,
        [`${l.file}:${l.line}`, `lint: ${l.code}`],
        {
          subject: `${l.file}:${l.line}`,
          fix: `edit ${l.file} line ${l.line} (every finding: portico config lint)`,
        },
      ),
    );
  }
  if (lint.length === 0 && anyFile)
    out.push(
      mk(
        "files",
        "files.parse",
        "ok",
        "the config files parse as botocore parses them, and the SDK for JavaScript reads them the same way",
      ),
    );
  return out;
}

// ------------------------------------------------------------------------------------------- profiles

const where = (p: SectionView, key?: string) =>
  `${p.keyFiles[key ?? ""] ?? p.file}:${(key && p.keyLines[key]) || p.line}`;
const sval = (p: SectionView, k: string) => configValue(p.values, k);
const ADMIN_RE = /admin|poweruser|fullaccess|root|owner/i;

/** A config-file name for a new sso-session for `startUrl`: its host's first label, made unique. */
export function sessionNameFor(startUrl: string, taken: Set<string>): string {
  let base = "sso";
  try {
    base = new URL(startUrl).hostname.split(".")[0]!.replace(/[^A-Za-z0-9_-]/g, "-") || "sso";
  } catch {}
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  return name;
}

/** The ops that turn legacy SSO profiles into profiles of one [sso-session] per start URL + region. */
export function legacyConversion(
  config: AwsConfig,
  profiles: SectionView[],
): { ops: ConfigOp[]; sessions: string[] } {
  const ops: ConfigOp[] = [];
  const taken = new Set(config.ssoSessions.keys());
  const chosen = new Map<string, string>();
  const made: string[] = [];
  for (const p of profiles) {
    const url = sval(p, "sso_start_url")!;
    const region = sval(p, "sso_region")!;
    const key = `${url.replace(/\/+$/, "")}\n${region}`;
    let name = chosen.get(key);
    if (name === undefined) {
      for (const [n, s] of config.ssoSessions) {
        if (
          (sval(s, "sso_start_url") ?? "").replace(/\/+$/, "") === url.replace(/\/+$/, "") &&
          sval(s, "sso_region") === region
        ) {
          name = n;
          break;
        }
      }
      if (name === undefined) {
        name = sessionNameFor(url, taken);
        taken.add(name);
        made.push(name);
        ops.push(
          { op: "set", kind: "sso-session", name, key: "sso_start_url", value: url },
          { op: "set", kind: "sso-session", name, key: "sso_region", value: region },
          {
            op: "set",
            kind: "sso-session",
            name,
            key: "sso_registration_scopes",
            value: "sso:account:access",
          },
        );
      }
      chosen.set(key, name);
    }
    ops.push(
      { op: "set", kind: "profile", name: p.name, key: "sso_session", value: name },
      { op: "unset", kind: "profile", name: p.name, key: "sso_start_url" },
      { op: "unset", kind: "profile", name: p.name, key: "sso_region" },
    );
  }
  return { ops, sessions: made };
}

/** The profile a credential_process command asks portico / the AWS CLI for, if it does. */
export function credentialProcessTarget(argv: string[]): string | undefined {
  const asksPortico =
    argv.includes("credential-process") ||
    (argv.includes("configure") && argv.includes("export-credentials"));
  if (!asksPortico) return undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--profile") return argv[i + 1];
    if (a.startsWith("--profile=")) return a.slice("--profile=".length);
  }
  return undefined;
}

/** `profiles.unreadable`: the files cannot be parsed, so no profile check ran. */
export function unreadableCheck(error: { message: string; hint?: string | undefined }): Finding {
  return mk("profiles", "profiles.unreadable", "problem", `profiles cannot be read: ${error.message}`, [], {
    fix: error.hint ?? "portico config lint",
  });
}

/** The key of a profile selection in the content facts (docs/doctor.md "Cache"). */
export const selectionKey = (sel: ProfileSelection): string => `${sel.source}\n${sel.name}`;

/** `profiles.selected`: the profile chosen by --profile / AWS_PROFILE / AWS_DEFAULT_PROFILE. */
export function selectedCheck(config: AwsConfig, sel: ProfileSelection): Finding {
  const out: Finding[] = [];
  const selected = config.profiles.get(sel.name);
  if (!selected) {
    if (sel.source === "default") {
      out.push(
        mk(
          "profiles",
          "profiles.selected",
          "ok",
          config.profiles.size === 0
            ? "no profiles configured yet"
            : "no [default] profile: commands need --profile or AWS_PROFILE (the guides advise against a default)",
          [`${config.profiles.size} profile(s)`],
          config.profiles.size === 0
            ? { fix: "portico setup   (or: portico configure sso --profile NAME)" }
            : {},
        ),
      );
    } else {
      const near = nearestNames(sel.name, config.profiles.keys());
      out.push(
        mk(
          "profiles",
          "profiles.selected",
          "problem",
          `the selected profile "${sel.name}" (from ${sel.source === "flag" ? "--profile" : sel.source}) does not exist`,
          [
            `${config.profiles.size} profile(s) in ${config.paths.configFileDisplay} and ${config.paths.credentialsFileDisplay}`,
            ...(near.length ? [`nearest names: ${near.join(", ")}`] : []),
          ],
          {
            subject: sel.name,
            fix: near.length
              ? `use ${near.map((n) => `--profile ${shellWord(n)}`).join(" or ")}${sel.source !== "flag" ? ` (export ${sel.source}=${shellWord(near[0]!)})` : ""}`
              : `portico configure sso --profile ${shellWord(sel.name)}`,
          },
        ),
      );
    }
  } else {
    const kind = profileKind(selected.values, (k) => selected.keyFiles[k] === config.paths.credentialsFile);
    const ev = [
      `[${selected.section}] ${selected.file}:${selected.line}`,
      `kind: ${kind}`,
      `selected by: ${sel.source === "flag" ? "--profile" : sel.source}`,
    ];
    if (kind === "sso" || kind === "sso-legacy") {
      try {
        const sp = ssoProfile(config, sel.name);
        out.push(
          mk(
            "profiles",
            "profiles.selected",
            "ok",
            `profile "${sel.name}": account ${sp.accountId}, role ${sp.roleName}${sp.session.sessionName ? `, sso-session ${sp.session.sessionName}` : ""}`,
            ev,
            { subject: sel.name },
          ),
        );
      } catch (e) {
        if (!isPorticoError(e)) throw e;
        out.push(
          mk("profiles", "profiles.selected", "problem", `profile "${sel.name}": ${e.message}`, ev, {
            subject: sel.name,
            fix: e.hint ?? `portico configure sso --profile ${shellWord(sel.name)}`,
          }),
        );
      }
    } else if (kind === "unknown") {
      out.push(
        mk(
          "profiles",
          "profiles.selected",
          "problem",
          `profile "${sel.name}" has no credentials: no SSO account/role, role_arn, credential_process or keys`,
          ev,
          {
            subject: sel.name,
            fix: `portico configure sso --profile ${shellWord(sel.name)}`,
          },
        ),
      );
    } else {
      out.push(
        mk("profiles", "profiles.selected", "ok", `profile "${sel.name}" (${kind})`, ev, {
          subject: sel.name,
        }),
      );
    }
  }
  return out[0]!;
}

/**
 * The profile checks that depend on the files' text only: legacy SSO, names by case, [default].
 * `candidates`: the profiles to look at for legacy SSO (content.ts `isCandidate`: at least every
 * profile without sso_session); `caseNames`: the names among which two may differ only by case
 * (every name, or none when it is known that no two do: chunks.ts); [default] from `config.profiles`.
 */
export function contentProfileChecks(
  config: AwsConfig,
  candidates: Iterable<SectionView>,
  caseNames: Iterable<string> = config.profiles.keys(),
): Finding[] {
  const out: Finding[] = [];
  const ssoInCfg = (p: SectionView) =>
    p.keyFiles["sso_start_url"] === undefined || p.keyFiles["sso_start_url"] === config.paths.configFile;
  // Legacy SSO profiles (no sso-session: no refresh, sign in again every 8 hours).
  const legacy: SectionView[] = [];
  for (const p of candidates) {
    if (sval(p, "sso_session") !== undefined) continue;
    if (sval(p, "sso_start_url") === undefined || sval(p, "sso_region") === undefined) continue;
    if (!ssoInCfg(p)) continue;
    legacy.push(p);
  }
  if (legacy.length > 0) {
    const { ops, sessions } = legacyConversion(config, legacy);
    const names = legacy.map((p) => p.name);
    out.push(
      mk(
        "profiles",
        "profiles.legacy_sso",
        "warning",
        `${legacy.length} profile(s) use the legacy SSO format (no [sso-session]): no token refresh, a new sign-in every 8 hours`,
        legacy.slice(0, 20).map((p) => `[${p.section}] ${where(p, "sso_start_url")}`),
        {
          subject: names.slice(0, 20).join(","),
          fix: `portico doctor --fix converts them to ${sessions.length ? `[sso-session ${sessions.join("], [sso-session ")}]` : "the existing sso-session"} (keys moved, nothing else changed; sign in once more afterwards: portico login --profile ${shellWord(names[0]!)})`,
          action: {
            kind: "config-edit",
            file: config.paths.configFile,
            display: config.paths.configFileDisplay,
            ops,
          },
        },
      ),
    );
  } else if (config.profiles.size > 0)
    out.push(mk("profiles", "profiles.legacy_sso", "ok", "no legacy-format SSO profiles"));

  // Names that differ only by case (Windows/macOS users, and tools that lower-case names, collide).
  const byLower = new Map<string, string[]>();
  for (const n of caseNames) {
    const l = n.toLowerCase();
    byLower.set(l, [...(byLower.get(l) ?? []), n]);
  }
  let caseDup = false;
  for (const group of byLower.values()) {
    if (group.length < 2) continue;
    caseDup = true;
    out.push(
      mk(
        "profiles",
        "profiles.case_duplicate",
        "warning",
        `profiles ${group.map((n) => `"${n}"`).join(" and ")} differ only by case: easy to pick the wrong one`,
        group.map((n) => `[${config.profiles.get(n)!.section}] ${where(config.profiles.get(n)!)}`),
        {
          subject: group.join(","),
          fix: `rename one of them (portico config show --profile ${shellWord(group[0]!)} to compare)`,
        },
      ),
    );
  }
  if (!caseDup && config.profiles.size > 1)
    out.push(mk("profiles", "profiles.case_duplicate", "ok", "no two profile names differ only by case"));

  // [default] as an SSO profile with an admin-like role: every command without --profile hits it.
  const def = config.profiles.get("default");
  if (def) {
    const role = sval(def, "sso_role_name");
    if (role && ADMIN_RE.test(role))
      out.push(
        mk(
          "profiles",
          "profiles.default_admin",
          "warning",
          `[default] signs in with the admin-like role ${role} (account ${sval(def, "sso_account_id") ?? "?"}): any command without --profile runs with it`,
          [`[${def.section}] ${where(def, "sso_role_name")}`],
          {
            fix: "give it a name (e.g. rename [default] to [profile admin-ACCOUNT]) and select profiles explicitly with --profile or AWS_PROFILE",
          },
        ),
      );
    else
      out.push(
        mk(
          "profiles",
          "profiles.default_admin",
          "ok",
          role ? `[default] uses role ${role}` : "[default] is not an SSO admin profile",
        ),
      );
  }
  return out;
}

/**
 * What the credential_process check needs from the files (a content fact): per profile with a
 * credential_process, the program word (null: the command cannot be split) and the profile chain when
 * the commands loop back. Whether the program exists is looked up on each run (PATH, files).
 */
export function credentialProcessDigest(
  config: AwsConfig,
  candidates: Iterable<SectionView>,
): CredentialProcessFact[] {
  const out: CredentialProcessFact[] = [];
  for (const p of candidates) {
    const cp = sval(p, "credential_process");
    if (cp === undefined) continue;
    let argv: string[];
    try {
      argv = shlexSplit(cp);
    } catch {
      argv = [];
    }
    const fact: CredentialProcessFact = {
      profile: p.name,
      where: where(p, "credential_process"),
      section: p.section,
      command: cp,
      program: argv[0] ?? null,
      loop: null,
    };
    out.push(fact);
    if (argv.length === 0) continue;
    // Follow the chain of profiles the commands ask for.
    const seen = [p.name];
    let cur = credentialProcessTarget(argv);
    while (cur !== undefined) {
      if (seen.includes(cur)) {
        seen.push(cur);
        fact.loop = seen;
        break;
      }
      seen.push(cur);
      const next = config.profiles.get(cur);
      const ncp = next ? sval(next, "credential_process") : undefined;
      if (!ncp) break;
      try {
        cur = credentialProcessTarget(shlexSplit(ncp));
      } catch {
        break;
      }
    }
  }
  return out;
}

/** `profiles.credential_process`: a program that is not there, or a command that asks for its own profile. */
export function credentialProcessChecks(
  facts: CredentialProcessFact[],
  programs: Map<string, string | null>,
): Finding[] {
  const out: Finding[] = [];
  for (const c of facts) {
    const ev = [`[${c.section}] ${c.where}`, `credential_process = ${c.command}`];
    if (c.program === null) {
      out.push(
        mk(
          "profiles",
          "profiles.credential_process",
          "problem",
          `profile "${c.profile}": credential_process cannot be split into a command`,
          ev,
          { subject: c.profile, fix: `fix the quoting at ${c.where}` },
        ),
      );
      continue;
    }
    const prog = programs.get(c.program);
    if (prog === null) {
      out.push(
        mk(
          "profiles",
          "profiles.credential_process",
          "problem",
          `profile "${c.profile}": credential_process runs ${c.program}, which is not found${c.program.includes("/") ? "" : " on PATH"}`,
          ev,
          {
            subject: c.profile,
            fix: `install ${c.program} or use its full path at ${c.where}`,
          },
        ),
      );
      continue;
    }
    if (c.loop)
      out.push(
        mk(
          "profiles",
          "profiles.credential_process",
          "problem",
          `profile "${c.profile}": credential_process loops (${c.loop.join(" → ")})`,
          ev,
          {
            subject: c.profile,
            fix: `point it at the SSO profile that has the credentials, e.g. credential_process = portico credential-process --profile SSO_PROFILE (at ${c.where})`,
          },
        ),
      );
    else
      out.push(
        mk(
          "profiles",
          "profiles.credential_process",
          "ok",
          `profile "${c.profile}": credential_process runs ${prog}`,
          ev,
          { subject: c.profile },
        ),
      );
  }
  return out;
}

/** Every profile finding: the selected profile, the content checks, credential_process. */
export function profileChecks(f: Facts): Finding[] {
  const c = f.content;
  if (c.unreadable) return [c.unreadable];
  if (!c.readable) return [];
  const sel = c.selected[selectionKey(resolveProfileName(f.env, f.profileFlag))];
  return [...(sel ? [sel] : []), ...c.profiles, ...credentialProcessChecks(c.credentialProcess, f.programs)];
}

// ------------------------------------------------------------------------------------------- environment

/** A value safe to show: URLs without user:password, access key ids shortened. */
export function redactUrl(v: string): string {
  return v.replace(/\/\/[^/@\s]*@/, "//***@");
}
const keyId = (v: string) => (v.length > 8 ? `${v.slice(0, 4)}…${v.slice(-4)}` : "…");

export function environmentChecks(f: Facts): Finding[] {
  const out: Finding[] = [];
  const e = f.env;
  const set = (k: string) => e[k] !== undefined && e[k] !== "";
  if (set("AWS_ACCESS_KEY_ID") && set("AWS_SECRET_ACCESS_KEY")) {
    out.push(
      mk(
        "environment",
        "environment.credentials",
        "warning",
        "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are set: the AWS CLI, boto3 and the SDKs use them instead of AWS_PROFILE (only an explicit --profile wins)",
        [
          `AWS_ACCESS_KEY_ID=${keyId(e["AWS_ACCESS_KEY_ID"]!)}`,
          `AWS_SECRET_ACCESS_KEY=(set, not shown)`,
          ...(set("AWS_SESSION_TOKEN") ? ["AWS_SESSION_TOKEN=(set, not shown)"] : []),
          ...(set("AWS_PROFILE") ? [`AWS_PROFILE=${e["AWS_PROFILE"]} is ignored while they are set`] : []),
        ],
        { fix: "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN" },
      ),
    );
  } else if (set("AWS_SESSION_TOKEN") || set("AWS_ACCESS_KEY_ID") || set("AWS_SECRET_ACCESS_KEY")) {
    out.push(
      mk(
        "environment",
        "environment.credentials",
        "warning",
        "a partial set of credential variables is set (left over from an old export?)",
        ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"].map(
          (k) => `${k}: ${set(k) ? "set" : "unset"}`,
        ),
        {
          fix: "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN",
        },
      ),
    );
  } else
    out.push(
      mk("environment", "environment.credentials", "ok", "no credential variables in the environment"),
    );

  if (
    e["AWS_PROFILE"] !== undefined &&
    e["AWS_DEFAULT_PROFILE"] !== undefined &&
    e["AWS_PROFILE"] !== e["AWS_DEFAULT_PROFILE"]
  )
    out.push(
      mk(
        "environment",
        "environment.profile_vars",
        "warning",
        "AWS_PROFILE and AWS_DEFAULT_PROFILE disagree: the AWS CLI v2 and portico use AWS_PROFILE, boto3 uses AWS_DEFAULT_PROFILE, the SDK for JavaScript ignores AWS_DEFAULT_PROFILE",
        [`AWS_PROFILE=${e["AWS_PROFILE"]}`, `AWS_DEFAULT_PROFILE=${e["AWS_DEFAULT_PROFILE"]}`],
        { fix: "unset AWS_DEFAULT_PROFILE" },
      ),
    );
  else
    out.push(
      mk(
        "environment",
        "environment.profile_vars",
        "ok",
        "AWS_PROFILE / AWS_DEFAULT_PROFILE agree (or only one is set)",
      ),
    );

  if (
    e["AWS_REGION"] !== undefined &&
    e["AWS_DEFAULT_REGION"] !== undefined &&
    e["AWS_REGION"] !== e["AWS_DEFAULT_REGION"]
  )
    out.push(
      mk(
        "environment",
        "environment.region_vars",
        "warning",
        "AWS_REGION and AWS_DEFAULT_REGION disagree: the AWS CLI v2 and the SDK for JavaScript use AWS_REGION, boto3 uses AWS_DEFAULT_REGION",
        [`AWS_REGION=${e["AWS_REGION"]}`, `AWS_DEFAULT_REGION=${e["AWS_DEFAULT_REGION"]}`],
        { fix: `export AWS_DEFAULT_REGION=${shellWord(e["AWS_REGION"]!)}` },
      ),
    );
  else
    out.push(
      mk(
        "environment",
        "environment.region_vars",
        "ok",
        "AWS_REGION / AWS_DEFAULT_REGION agree (or only one is set)",
      ),
    );

  for (const [k, ff, status] of [
    ["AWS_CONFIG_FILE", f.files.config, "problem"],
    ["AWS_SHARED_CREDENTIALS_FILE", f.files.credentials, "warning"],
  ] as const) {
    if (!set(k)) continue;
    if (!ff.exists)
      out.push(
        mk(
          "environment",
          "environment.config_file",
          status,
          `${k} points at ${ff.path}, which does not exist: every tool reads no ${k === "AWS_CONFIG_FILE" ? "config" : "credentials"} file`,
          [`${k}=${e[k]}`],
          {
            subject: k,
            fix: `unset ${k}   (or create ${ff.path})`,
          },
        ),
      );
    else
      out.push(mk("environment", "environment.config_file", "ok", `${k}=${e[k]} exists`, [], { subject: k }));
  }

  const proxies = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"].filter(
    set,
  );
  const noProxy = e["NO_PROXY"] ?? e["no_proxy"] ?? "";
  for (const k of proxies) {
    const v = e[k]!;
    let bad = false;
    try {
      new URL(v.includes("://") ? v : `http://${v}`);
    } catch {
      bad = true;
    }
    const endpoint = e["AWS_ENDPOINT_URL"] ?? "";
    const loopbackEndpoint = /^https?:\/\/(127\.|localhost|\[::1\])/.test(endpoint);
    const bypass = /(^|,)\s*(\*|127\.0\.0\.1|localhost)\s*(,|$)/.test(noProxy);
    if (bad)
      out.push(
        mk(
          "environment",
          "environment.proxy",
          "problem",
          `${k} is not a URL: botocore refuses to connect`,
          [`${k}=${redactUrl(v)}`],
          { subject: k, fix: `unset ${k}   (or set it to http://HOST:PORT)` },
        ),
      );
    else if (loopbackEndpoint && !bypass)
      out.push(
        mk(
          "environment",
          "environment.proxy",
          "problem",
          `${k} is set and NO_PROXY does not cover 127.0.0.1: the AWS CLI and boto3 send the local endpoint's requests to the proxy`,
          [`${k}=${redactUrl(v)}`, `AWS_ENDPOINT_URL=${endpoint}`, `NO_PROXY=${noProxy}`],
          {
            subject: k,
            fix: "export NO_PROXY=127.0.0.1,localhost",
          },
        ),
      );
    else
      out.push(
        mk(
          "environment",
          "environment.proxy",
          "warning",
          `${k} is set: sign-in and AWS calls go through ${redactUrl(v)}; a TLS-inspecting proxy needs its CA in AWS_CA_BUNDLE`,
          [`${k}=${redactUrl(v)}`, `NO_PROXY=${noProxy}`],
          {
            subject: k,
            fix: "if sign-in fails with certificate errors: export AWS_CA_BUNDLE=/path/to/proxy-ca.pem",
          },
        ),
      );
  }
  if (set("AWS_CA_BUNDLE")) {
    const ca = f.files.caBundle;
    if (!ca?.exists)
      out.push(
        mk(
          "environment",
          "environment.ca_bundle",
          "problem",
          "AWS_CA_BUNDLE names a file that does not exist: every TLS connection of the AWS CLI and boto3 fails",
          [`AWS_CA_BUNDLE=${e["AWS_CA_BUNDLE"]}`],
          { fix: "unset AWS_CA_BUNDLE   (or point it at a PEM file)" },
        ),
      );
    else
      out.push(
        mk("environment", "environment.ca_bundle", "ok", `AWS_CA_BUNDLE=${e["AWS_CA_BUNDLE"]} exists`),
      );
  }
  return out;
}

// ------------------------------------------------------------------------------------------- sessions

export function sessionChecks(f: Facts): Finding[] {
  const out: Finding[] = [];
  const now = f.now;
  for (const s of f.sessions) {
    const label =
      s.session.kind === "sso-session"
        ? `sso-session "${s.session.sessionName}"`
        : `legacy start URL ${s.session.startUrl}`;
    const login =
      s.session.kind === "sso-session"
        ? `portico login --sso-session ${shellWord(s.session.sessionName!)}`
        : `portico login --profile ${shellWord(s.profiles[0] ?? "PROFILE")}`;
    const ev = [
      `configured at ${s.where}`,
      `token cache: ${s.tokenFile}`,
      `${s.profileCount} profile(s) use it`,
    ];
    const subject = s.session.sessionName ?? s.session.startUrl;
    if (s.token.status === "missing") {
      out.push(
        mk("sessions", "sessions.token", "warning", `${label}: not signed in`, ev, { subject, fix: login }),
      );
      continue;
    }
    if (s.token.status === "malformed") {
      out.push(
        mk(
          "sessions",
          "sessions.token",
          "problem",
          `${label}: the cached token is unreadable (${s.token.reason})`,
          ev,
          { subject, fix: login },
        ),
      );
      continue;
    }
    const t = s.token.token;
    const ms = t.expiresAt.getTime() - now.getTime();
    const refreshable = canRefresh(s.session, t, now);
    const tev = [
      ...ev,
      `expires ${t.expiresAt.toISOString()} (${left(ms)})`,
      `refreshable: ${refreshable ? "yes" : "no"}`,
    ];
    if (ms <= 0 && !refreshable)
      out.push(
        mk("sessions", "sessions.token", "warning", `${label}: the session expired ${left(ms)}`, tev, {
          subject,
          fix: login,
        }),
      );
    else if (ms <= 0)
      out.push(
        mk("sessions", "sessions.token", "ok", `${label}: token expired, refreshes on next use`, tev, {
          subject,
        }),
      );
    else if (ms < REFRESH_WINDOW_MS && !refreshable)
      out.push(
        mk(
          "sessions",
          "sessions.token",
          "warning",
          `${label}: expires ${left(ms)} and cannot be refreshed`,
          tev,
          { subject, fix: login },
        ),
      );
    else
      out.push(
        mk(
          "sessions",
          "sessions.token",
          "ok",
          `${label}: signed in, expires ${left(ms)}${refreshable ? ", refreshable" : ""}`,
          tev,
          { subject },
        ),
      );
    if (t.registrationExpiresAt) {
      const rms = t.registrationExpiresAt.getTime() - now.getTime();
      const rev = [`client registration expires ${t.registrationExpiresAt.toISOString()} (${left(rms)})`];
      if (rms <= 0)
        out.push(
          mk(
            "sessions",
            "sessions.registration",
            "warning",
            `${label}: the client registration has expired; the token can no longer be refreshed`,
            rev,
            { subject, fix: login },
          ),
        );
      else if (rms < 7 * 86_400_000)
        out.push(
          mk(
            "sessions",
            "sessions.registration",
            "warning",
            `${label}: the client registration expires ${left(rms)}; refresh stops then`,
            rev,
            { subject, fix: `${login}   (after it expires)` },
          ),
        );
      else
        out.push(
          mk("sessions", "sessions.registration", "ok", `${label}: client registration valid`, rev, {
            subject,
          }),
        );
    }
  }
  out.push(...f.content.scopes);
  return out;
}

/** `sessions.scopes` (a content check): an sso-session without sso:account:access. */
export function scopeChecks(config: AwsConfig): Finding[] {
  const out: Finding[] = [];
  // Scopes: without sso:account:access there is no refresh token and the portal refuses the token.
  for (const [name, sec] of config.ssoSessions) {
    const raw = sval(sec, "sso_registration_scopes");
    const scopes =
      raw
        ?.split(",")
        .map((x) => x.trim())
        .filter(Boolean) ?? [];
    if (!scopes.includes("sso:account:access")) {
      out.push(
        mk(
          "sessions",
          "sessions.scopes",
          "warning",
          `sso-session "${name}" does not request sso:account:access: no refresh token, and the access portal may refuse the token`,
          [
            `[${sec.section}] ${where(sec, raw === undefined ? undefined : "sso_registration_scopes")}`,
            `sso_registration_scopes = ${raw ?? "(unset)"}`,
          ],
          {
            subject: name,
            fix: `portico doctor --fix sets sso_registration_scopes = ${[...scopes, "sso:account:access"].join(", ")} (then sign in again: portico login --sso-session ${shellWord(name)})`,
            action: {
              kind: "config-edit",
              file: config.paths.configFile,
              display: config.paths.configFileDisplay,
              ops: [
                {
                  op: "set",
                  kind: "sso-session",
                  name,
                  key: "sso_registration_scopes",
                  value: [...scopes, "sso:account:access"].join(", "),
                },
              ],
            },
          },
        ),
      );
    } else
      out.push(
        mk("sessions", "sessions.scopes", "ok", `sso-session "${name}" scopes: ${scopes.join(", ")}`, [], {
          subject: name,
        }),
      );
  }
  return out;
}

// ------------------------------------------------------------------------------------------- verify

export function verifyChecks(f: Facts): Finding[] {
  const out: Finding[] = [];
  const config = f.config;
  for (const v of f.verify ?? []) {
    const s = f.sessions.find((x) => x.key === v.key);
    const label =
      s?.session.kind === "sso-session"
        ? `sso-session "${s.session.sessionName}"`
        : `start URL ${s?.session.startUrl ?? v.key}`;
    const subject = s?.session.sessionName ?? v.key;
    if (!v.reachable) {
      out.push(
        mk(
          "verify",
          "verify.oidc_endpoint",
          "problem",
          `${label}: the SSO OIDC endpoint of ${v.region} does not answer (${v.reachError ?? "error"})`,
          [`endpoint: ${v.endpoint ?? "?"}`],
          {
            subject,
            fix: "check your network, proxy (HTTPS_PROXY) and AWS_ENDPOINT_URL; then portico doctor --verify",
          },
        ),
      );
      continue;
    }
    out.push(
      mk(
        "verify",
        "verify.oidc_endpoint",
        "ok",
        `${label}: the SSO OIDC endpoint of ${v.region} answers`,
        [`endpoint: ${v.endpoint ?? "?"}`],
        { subject },
      ),
    );
    if (v.startUrl === "wrong_region") {
      const ops: ConfigOp[] = [];
      let file = config?.paths.configFile ?? "";
      if (v.correctRegion && s && config) {
        if (s.session.kind === "sso-session")
          ops.push({
            op: "set",
            kind: "sso-session",
            name: s.session.sessionName!,
            key: "sso_region",
            value: v.correctRegion,
          });
        else
          for (const p of s.profiles)
            ops.push({ op: "set", kind: "profile", name: p, key: "sso_region", value: v.correctRegion });
        file = config.paths.configFile;
      }
      out.push(
        mk(
          "verify",
          "verify.start_url_region",
          "problem",
          `${label}: the start URL ${s?.session.startUrl ?? ""} does not belong to sso_region ${v.region}: sign-in would end in invalid_grant`,
          [
            `configured at ${s?.where ?? "?"}`,
            `a device authorization in ${v.region} was refused (${v.startUrlError ?? "invalid_grant"})`,
            ...(v.probed?.length ? [`probed: ${v.probed.join(", ")}`] : []),
            ...(v.correctRegion ? [`the start URL answers in ${v.correctRegion}`] : []),
          ],
          {
            subject,
            fix: v.correctRegion
              ? `portico doctor --fix sets sso_region = ${v.correctRegion}${s?.session.kind === "sso-session" ? ` in [sso-session ${s.session.sessionName}]` : ""}`
              : `set sso_region to the region of your Identity Center (your administrator knows it; the access portal shows it): ${s?.session.kind === "sso-session" ? `portico configure sso-session ${shellWord(s.session.sessionName!)}` : "portico configure sso"}`,
            ...(ops.length && config
              ? { action: { kind: "config-edit", file, display: config.paths.configFileDisplay, ops } }
              : {}),
          },
        ),
      );
    } else if (v.startUrl === "ok")
      out.push(
        mk("verify", "verify.start_url_region", "ok", `${label}: the start URL belongs to ${v.region}`, [], {
          subject,
        }),
      );
    else if (v.startUrl === "error")
      out.push(
        mk(
          "verify",
          "verify.start_url_region",
          "warning",
          `${label}: could not check the start URL (${v.startUrlError ?? "error"})`,
          [],
          { subject, fix: "portico doctor --verify   (again later)" },
        ),
      );
    if (v.skewMs !== undefined) {
      const abs = Math.abs(v.skewMs);
      const ev = [`server Date vs this machine: ${v.skewMs > 0 ? "+" : "-"}${Math.round(abs / 1000)} s`];
      if (abs > 5 * 60_000)
        out.push(
          mk(
            "verify",
            "verify.clock_skew",
            "problem",
            "this machine's clock is off by more than 5 minutes: AWS refuses signed requests and token expiry is misjudged",
            ev,
            { subject, fix: "sync the clock: sudo timedatectl set-ntp true (or your OS's time settings)" },
          ),
        );
      else if (abs > 60_000)
        out.push(
          mk(
            "verify",
            "verify.clock_skew",
            "warning",
            "this machine's clock is off by more than a minute",
            ev,
            { subject, fix: "sync the clock: sudo timedatectl set-ntp true" },
          ),
        );
      else
        out.push(
          mk("verify", "verify.clock_skew", "ok", "the clock agrees with the service", ev, { subject }),
        );
    }
  }
  const id = f.identity;
  if (id) {
    if (id.ok)
      out.push(
        mk(
          "verify",
          "verify.identity",
          "ok",
          `profile "${id.profile}": sts get-caller-identity works — account ${id.account}${id.permissionSet ? `, permission set ${id.permissionSet}` : `, role ${id.role ?? "?"}`}${id.user ? `, user ${id.user}` : ""}`,
          [`arn: ${id.arn}`],
          { subject: id.profile },
        ),
      );
    else
      out.push(
        mk(
          "verify",
          "verify.identity",
          id.error?.code === "sign_in_required" ? "warning" : "problem",
          `profile "${id.profile}": ${id.error?.message ?? "no credentials"}`,
          [`error: ${id.error?.code ?? "?"}`],
          { subject: id.profile, fix: id.error?.hint ?? `portico login --profile ${shellWord(id.profile)}` },
        ),
      );
  }
  return out;
}

/** Every check, in report order. */
export function runChecks(f: Facts): Finding[] {
  return [
    ...toolChecks(f),
    ...fileChecks(f),
    ...profileChecks(f),
    ...environmentChecks(f),
    ...sessionChecks(f),
    ...verifyChecks(f),
  ];
}
