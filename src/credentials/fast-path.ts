/**
 * The credential_process fast path: `portico credential-process [--profile P]` answered from the AWS
 * CLI's role-credential cache with nothing but synchronous `node:fs` (already loaded by Node's own
 * start-up), the config layer's pure parser, and SHA-1 — no commander, no fs/promises, no AWS SDK.
 * Tools such as Terraform or the SDKs run credential_process once per process start, so its start-up
 * time is the user-visible cost (bench/credential-process.bench.mjs, docs/benchmarks.md).
 *
 * It only ever answers a cache HIT with the exact bytes the full command prints. Everything else —
 * other flags, --help, a missing/expired/torn cache entry, any config problem, any error at all — returns
 * `undefined`, and the caller runs the full CLI, which does the real work and reports errors properly.
 */
import { sha1 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { buildProfileMap, parseConfigText } from "../config/botocore";
import { configValue, nonEmptyValue, profileProvider } from "../config/describe";
import { awsPaths, resolveProfileName } from "../config/paths";
import { readRegularFileSync } from "../platform/regular-file";
import {
  isFresh,
  parseCacheEntry,
  type RoleCacheKeyArgs,
  roleCacheKeyMaterial,
  ssoRoleCacheKeyArgs,
} from "./cache-format";
import { formatCredentialProcess } from "./format";

// node:fs through process.getBuiltinModule (Node ≥ 20.16): a static ESM `import` of node:fs builds its
// ESM facade, which also loads fs/promises — several ms per process.
const builtin = <T>(id: string): T =>
  (process as unknown as { getBuiltinModule(id: string): T }).getBuiltinModule(id);

/** The profile named by a plain `credential-process [--profile P | --profile=P]` argv, else undefined. */
export function fastPathProfileFlag(argv: string[]): { profile?: string } | undefined {
  if (argv[0] !== "credential-process") return undefined;
  const rest = argv.slice(1);
  if (rest.length === 0) return {};
  if (rest.length === 1 && rest[0]!.startsWith("--profile=") && rest[0]!.length > 10)
    return { profile: rest[0]!.slice(10) };
  if (rest.length === 2 && rest[0] === "--profile" && rest[1] && !rest[1].startsWith("-"))
    return { profile: rest[1] };
  return undefined;
}

/** The file's text; undefined if missing; null if it cannot be used as it is (then: no hit). */
function readText(file: string): string | undefined | null {
  try {
    // Regular files only: a FIFO or /dev/zero is not a hit (the full path reports it).
    const bytes = readRegularFileSync(file);
    return bytes === undefined
      ? undefined
      : new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Try to answer from the cache. Returns the text to print on stdout, or undefined to fall back.
 * Never throws.
 */
/** sha1 hex of the key material, with @noble/hashes: node:crypto alone costs more than the rest of this path. */
function cacheKey(args: RoleCacheKeyArgs): string {
  return bytesToHex(sha1(utf8ToBytes(roleCacheKeyMaterial(args))));
}

export function credentialProcessFromCache(
  argv: string[],
  env: NodeJS.ProcessEnv,
  now: Date,
): string | undefined {
  try {
    const flag = fastPathProfileFlag(argv);
    if (!flag) return undefined;
    // botocore's chain: environment keys win unless a profile was named on the command line.
    if (flag.profile === undefined && env["AWS_ACCESS_KEY_ID"]) return undefined;
    const profileName = resolveProfileName(env, flag.profile).name;
    const paths = awsPaths(env);
    // The credentials file can hold keys that change what the profile is: leave those cases to the full path.
    const credText = readText(paths.credentialsFile);
    if (credText === null) return undefined;
    if (credText !== undefined && credText.trim() !== "") {
      const cred = parseConfigText(credText);
      if (cred.refusal || cred.raw.has(profileName)) return undefined;
    }
    const cfgText = readText(paths.configFile);
    if (cfgText === undefined || cfgText === null) return undefined;
    const cfg = parseConfigText(cfgText);
    if (cfg.refusal) return undefined;
    const pm = buildProfileMap(cfg.raw.keys());
    const sectionName = pm.profiles.get(profileName);
    const section = sectionName === undefined ? undefined : cfg.raw.get(sectionName);
    if (!section) return undefined;
    const get = (k: string) => nonEmptyValue(section, k);
    // Only plain SSO profiles, by the one classifier the full resolver uses (role_arn etc. win first);
    // the credentials file has no section for this profile (checked above), so no key comes from it.
    if (profileProvider(section) !== "sso") return undefined;
    const accountId = get("sso_account_id");
    const roleName = get("sso_role_name");
    if (!accountId || !roleName) return undefined;
    const sessionName = configValue(section, "sso_session");
    if (sessionName === "") return undefined;
    let startUrl = "";
    if (sessionName !== undefined) {
      const sessSection = pm.ssoSessions.get(sessionName);
      const sess = sessSection === undefined ? undefined : cfg.raw.get(sessSection);
      if (!sess) return undefined;
      // botocore refuses a profile whose sso_* values disagree with its sso-session: let the full path say so.
      for (const [k, v] of sess) {
        const mine = section.get(k);
        if (typeof v === "string" && typeof mine === "string" && mine !== v) return undefined;
      }
      if (typeof sess.get("sso_start_url") !== "string" || typeof sess.get("sso_region") !== "string")
        return undefined;
    } else {
      startUrl = get("sso_start_url") ?? "";
      if (!startUrl || !get("sso_region")) return undefined;
    }
    const key = cacheKey(ssoRoleCacheKeyArgs({ accountId, roleName, sessionName, startUrl }));
    const text = readText(`${paths.cliCacheDir}/${key}.json`);
    if (text === undefined || text === null) return undefined;
    const creds = parseCacheEntry(text);
    if (!creds || !isFresh(creds, now)) return undefined;
    return formatCredentialProcess({ accountId, ...creds });
  } catch {
    return undefined;
  }
}

/**
 * For the executable's entry, before the full CLI loads: answer `portico credential-process …` from the
 * cache and return true, or return false (nothing written) so the caller runs the full CLI.
 * Writes with fs.writeSync on fd 1: creating process.stdout would load node:stream for one line.
 */
export function tryCredentialProcessFastPath(argv: string[], env: NodeJS.ProcessEnv): boolean {
  if (argv[0] !== "credential-process") return false;
  const out = credentialProcessFromCache(argv, env, new Date());
  if (out === undefined) return false;
  const { writeSync } = builtin<typeof import("node:fs")>("node:fs");
  const bytes = new TextEncoder().encode(out);
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done);
  } catch {
    // A non-blocking pipe (EAGAIN) or similar: hand the rest to the stream, which handles that.
    process.stdout.write(bytes.subarray(done));
  }
  return true;
}
