/**
 * The `portico use … --print-env` fast path, for the executable's entry before the full CLI loads
 * (src/cli/launcher.ts): with a valid SSO session (profile mode: a cached access token with more than
 * botocore's 15-minute window left; `--export`: fresh cached role credentials) the statements are
 * printed with nothing but synchronous `node:fs` (and, when the index is stale, the config layer's pure
 * parser and SHA-1) — no
 * commander, no fs/promises, no AWS SDK (test/shell/use-cli.test.ts checks the loaded bundle files;
 * bench/switch.bench.mjs times it). Anything else — another flag, another kind of profile, a missing,
 * expiring or torn token, any config problem, any error — returns undefined and the full command runs
 * (src/shell/use.ts), which signs in, refreshes and reports errors properly.
 */
import { awsPaths } from "../config/paths";
import { isFresh, parseCacheEntry } from "../credentials/cache-format";
import { locateFastPathProfile, readText } from "../credentials/fast-path";
import { builtin } from "../platform/builtin";
import { writeAll } from "../platform/fd-write";
import { renderPlan, switchPlan } from "./plan";
import { isShell, type Shell } from "./quote";

/** botocore's token refresh window (src/sso/token-provider.ts REFRESH_WINDOW_MS). */
const TOKEN_WINDOW_MS = 15 * 60_000;

export interface UseArgs {
  profile: string;
  shell: Shell;
  mode: "profile" | "export";
  keepRegion: boolean;
}

/** A plain `use [--print-env] --shell S [--export] [--keep-region] [--] PROFILE`, else undefined. */
export function fastUseArgs(argv: string[]): UseArgs | undefined {
  if (argv[0] !== "use") return undefined;
  let profile: string | undefined;
  let shell: string | undefined;
  let printEnv = false;
  let mode: UseArgs["mode"] = "profile";
  let keepRegion = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      if (profile !== undefined || i !== argv.length - 2) return undefined;
      profile = argv[i + 1]!;
      break;
    }
    if (a === "--print-env") printEnv = true;
    else if (a === "--export") mode = "export";
    else if (a === "--keep-region") keepRegion = true;
    else if (a === "--shell") shell = argv[++i];
    else if (a.startsWith("--shell=")) shell = a.slice(8);
    else if (a.startsWith("-")) return undefined;
    else if (profile === undefined) profile = a;
    else return undefined;
  }
  if (!printEnv || profile === undefined || profile === "" || shell === undefined || !isShell(shell))
    return undefined;
  return { profile, shell, mode, keepRegion };
}

/** The SSO access token's expiry if the cached token is usable without a refresh, else undefined. */
function usableTokenExpiry(ssoCacheDir: string, tokenFile: string, now: Date): Date | undefined {
  const text = readText(`${ssoCacheDir}/${tokenFile}.json`);
  if (text === undefined) return undefined;
  const doc = JSON.parse(text) as { accessToken?: unknown; expiresAt?: unknown };
  if (typeof doc.accessToken !== "string" || doc.accessToken === "" || typeof doc.expiresAt !== "string")
    return undefined;
  // The CLI writes `…Z`; the SDK JS `….000Z`: both are ISO forms Date.parse reads exactly.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(doc.expiresAt)) return undefined;
  const at = new Date(doc.expiresAt);
  return at.getTime() - now.getTime() > TOKEN_WINDOW_MS ? at : undefined;
}

/** The statements to print, or undefined to let the full command run. Never throws. */
export function useFromCache(argv: string[], env: NodeJS.ProcessEnv, now: Date): string | undefined {
  try {
    const args = fastUseArgs(argv);
    if (!args) return undefined;
    const paths = awsPaths(env);
    // The same located profile (and validated index) as the credential_process fast path.
    const located = locateFastPathProfile(paths, args.profile);
    if (!located) return undefined;
    const { key, region } = located;
    const base = {
      shell: args.shell,
      profile: args.profile,
      keepRegion: args.keepRegion,
      env,
      now,
      ...(region !== undefined ? { region } : {}),
      ...(args.shell === "fish" ? { uptimeS: builtin<typeof import("node:os")>("node:os").uptime() } : {}),
    };
    if (args.mode === "profile") {
      const expiresAt = usableTokenExpiry(paths.ssoCacheDir, located.tokenFile, now);
      if (expiresAt === undefined) return undefined;
      return renderPlan(args.shell, switchPlan({ ...base, mode: "profile", expiresAt }));
    }
    const text = readText(`${paths.cliCacheDir}/${located.roleFile}.json`);
    if (text === undefined) return undefined;
    const creds = parseCacheEntry(text);
    if (!creds || !isFresh(creds, now)) return undefined;
    return renderPlan(
      args.shell,
      switchPlan({
        ...base,
        mode: "export",
        credentials: { accountId: key.accountId, ...creds },
        ...(creds.expiration ? { expiresAt: creds.expiration } : {}),
      }),
    );
  } catch {
    return undefined;
  }
}

/** Answer `portico use …` here and return true, or return false (nothing written). */
export function tryUseFastPath(argv: string[], env: NodeJS.ProcessEnv): boolean {
  if (argv[0] !== "use") return false;
  const out = useFromCache(argv, env, new Date());
  if (out === undefined) return false;
  writeAll(1, out);
  return true;
}
