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
import { buildProfileMap, type ParsedConfig, parseConfigText } from "../config/botocore";
import { configValue, nonEmptyValue, profileProvider } from "../config/describe";
import { type LocatedSection, locateSections } from "../config/located";
import { awsPaths, resolveProfileName } from "../config/paths";
import { builtin } from "../platform/builtin";
import { writeAll } from "../platform/fd-write";
import { type FileId, fileIdOf, isFileId, sameId, settled, statId } from "../platform/file-identity";
import { sha1Hex } from "../platform/sha1";
import {
  isFresh,
  parseCacheEntry,
  type RoleCacheKeyArgs,
  roleCacheKeyMaterial,
  ssoRoleCacheKeyArgs,
} from "./cache-format";
import { formatCredentialProcess } from "./format";

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

type Fs = typeof import("node:fs");
const fs = (): Fs => builtin<Fs>("node:fs");

/**
 * A regular file's text and identity, from one descriptor: opened non-blocking (a FIFO never blocks
 * here), fstat'ed (only regular files are read), decoded as strict UTF-8. null when it does not
 * exist, undefined for anything else (the full path reports it).
 */
export function readRegular(file: string): { text: string; id: FileId } | null | undefined {
  const r = readRegularBytes(file);
  if (!r) return r;
  // Validated, then decoded (a BOM is kept as U+FEFF): what a fatal TextDecoder does, without the
  // converter it creates on first use.
  if (!builtin<typeof import("node:buffer")>("node:buffer").isUtf8(r.bytes)) return undefined;
  return { text: r.bytes.toString("utf8"), id: r.id };
}

/** `readRegular` without the decoding: the bytes (for a search that decodes only what it finds). */
export function readRegularBytes(file: string): { bytes: Buffer; id: FileId } | null | undefined {
  const f = fs();
  let fd: number;
  try {
    fd = f.openSync(file, f.constants.O_RDONLY | f.constants.O_NONBLOCK);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? null : undefined;
  }
  try {
    const st = f.fstatSync(fd, { bigint: true });
    if (!st.isFile()) return undefined;
    const buf = f.readFileSync(fd);
    if (BigInt(buf.length) !== st.size) return undefined; // changed while read: let the full path look
    return { bytes: buf, id: fileIdOf(st) };
  } catch {
    return undefined;
  } finally {
    f.closeSync(fd);
  }
}

/** A regular file's text (strict UTF-8); undefined when missing or anything but a readable regular file. */
export function readText(file: string): string | undefined {
  const r = readRegular(file);
  return r ? r.text : undefined;
}

export { sha1Hex };

/** sha1 hex of the key material. */
function cacheKey(args: RoleCacheKeyArgs): string {
  return sha1Hex(roleCacheKeyMaterial(args));
}

/** What the fast path needs of a profile: the role-cache key arguments, or null (not for the fast path). */
export type FastPathProfile = RoleCacheKeyArgs | null;

/**
 * The profile lookup over the files' texts — exactly the full resolver's classification for the
 * cases the fast path answers (plain SSO profiles); null for every other case.
 */
export function lookupFastPathProfile(
  cfgText: string,
  credText: string | undefined,
  profileName: string,
): FastPathProfile {
  return locateSsoProfile(cfgText, credText, profileName)?.key ?? null;
}

/**
 * A plain SSO profile located in the files' texts: its role-cache key arguments and its `region`.
 * The one lookup of both fast paths (credential_process here, `use --print-env` in src/shell/fast-path.ts).
 */
export function locateSsoProfile(
  cfgText: string,
  credText: string | undefined,
  profileName: string,
): SsoLocation | null {
  return locateInParsed(parseConfigText(cfgText), parseCredentials(credText), profileName);
}

/** Where a plain SSO profile's answers are: its role-cache key arguments, `region` and start URL. */
export interface SsoLocation {
  key: RoleCacheKeyArgs;
  region: string | undefined;
  /** The profile's start URL (its sso-session's `sso_start_url`, or its own): the console's Issuer. */
  startUrl: string;
}

/** The credentials file's parse, undefined when it is missing or blank. */
const parseCredentials = (credText: string | undefined): ParsedConfig | undefined =>
  credText !== undefined && credText.trim() !== "" ? parseConfigText(credText) : undefined;

/** `locateSsoProfile` over the parsed files. */
function locateInParsed(
  cfg: ParsedConfig,
  cred: ParsedConfig | undefined,
  profileName: string,
): SsoLocation | null {
  // The credentials file can hold keys that change what the profile is: leave those cases to the full path.
  if (cred && (cred.refusal || cred.raw.has(profileName))) return null;
  if (cfg.refusal) return null;
  const pm = buildProfileMap(cfg.raw.keys());
  const sectionName = pm.profiles.get(profileName);
  const section = sectionName === undefined ? undefined : cfg.raw.get(sectionName);
  if (!section) return null;
  const get = (k: string) => nonEmptyValue(section, k);
  // Only plain SSO profiles, by the one classifier the full resolver uses (role_arn etc. win first);
  // the credentials file has no section for this profile (checked above), so no key comes from it.
  if (profileProvider(section) !== "sso") return null;
  const accountId = get("sso_account_id");
  const roleName = get("sso_role_name");
  if (!accountId || !roleName) return null;
  const sessionName = configValue(section, "sso_session");
  if (sessionName === "") return null;
  let startUrl = "";
  let issuer: string;
  if (sessionName !== undefined) {
    const sessSection = pm.ssoSessions.get(sessionName);
    const sess = sessSection === undefined ? undefined : cfg.raw.get(sessSection);
    if (!sess) return null;
    // botocore refuses a profile whose sso_* values disagree with its sso-session: let the full path say so.
    for (const [k, v] of sess) {
      const mine = section.get(k);
      if (typeof v === "string" && typeof mine === "string" && mine !== v) return null;
    }
    const url = sess.get("sso_start_url");
    if (typeof url !== "string" || typeof sess.get("sso_region") !== "string") return null;
    issuer = url;
  } else {
    startUrl = get("sso_start_url") ?? "";
    if (!startUrl || !get("sso_region")) return null;
    issuer = startUrl;
  }
  return {
    key: ssoRoleCacheKeyArgs({ accountId, roleName, sessionName, startUrl }),
    region: get("region"),
    startUrl: issuer,
  };
}

/**
 * The fast-path index (docs/credentials.md "Fast-path index"): for one (config file, credentials
 * file, profile), the lookup's result together with the identity (device, inode, size, mtime and
 * ctime in ns) of both files it was computed from. A later run whose files have the same identity
 * uses the result without reading the config at all; any change to either file (an edit, an atomic
 * replace, a touch) changes the identity and the lookup runs again. It is written only for files
 * last changed more than SETTLE_MS ago, so a change within the same timestamp tick as the read
 * cannot go unnoticed. Never trusted beyond an exact identity match; unwritable → simply not kept.
 */
interface IndexRecord {
  v: 4;
  /** What the entry was computed for: [config file, credentials file, profile] (a copied entry is not used). */
  for: [string, string, string];
  config: FileId;
  credentials: FileId | null;
  profile: FastPathProfile;
  /** The profile's `region` (for `use --print-env`), null when it has none or is not for the fast path. */
  region: string | null;
  /**
   * What the lean paths would otherwise derive from `profile` on every run, null with it: the start URL
   * (the console's Issuer, src/console/fast-path.ts), and the names of the SSO token cache file and
   * the role-credential cache file (sha1 hex, docs/reference.md §2.1, §2.3).
   */
  startUrl: string | null;
  tokenFile: string | null;
  roleFile: string | null;
  /**
   * The config sections the profile needs (its own, its sso-session's, its source_profile chain's;
   * src/config/located.ts), for the full resolver without a full parse; null when not locatable.
   */
  located: LocatedSection[] | null;
}

/**
 * A located plain SSO profile as the lean paths use it: where its answers are, with the cache file
 * names (sha1 hex, without `.json`) of its SSO token (docs/reference.md §2.1) and role credentials (§2.3).
 */
export interface FastPathLocation extends SsoLocation {
  tokenFile: string;
  roleFile: string;
}

/** The token cache key of a profile: its sso-session's name, or a legacy profile's start URL. */
const tokenCacheKey = (key: RoleCacheKeyArgs): string =>
  "sessionName" in key ? key.sessionName : key.startUrl;

/** The location with its cache file names (two SHA-1s: computed when the index entry is made). */
function withCacheFiles(loc: SsoLocation): FastPathLocation {
  return { ...loc, tokenFile: sha1Hex(tokenCacheKey(loc.key)), roleFile: cacheKey(loc.key) };
}

export const FAST_PATH_INDEX_DIR = ["portico", "fast-path"] as const;

/** The entry's file: named by the sha1 of `forKey`, the JSON of [config file, credentials file, profile]. */
function indexFile(awsDir: string, forKey: string): string {
  return `${awsDir}/${FAST_PATH_INDEX_DIR.join("/")}/${sha1Hex(forKey)}.json`;
}

function isProfile(x: unknown): x is FastPathProfile {
  if (x === null) return true;
  if (typeof x !== "object") return false;
  const o = x as Record<string, unknown>;
  if (typeof o["accountId"] !== "string" || typeof o["roleName"] !== "string") return false;
  const keys = Object.keys(o).sort().join(",");
  return (
    (keys === "accountId,roleName,sessionName" && typeof o["sessionName"] === "string") ||
    (keys === "accountId,roleName,startUrl" && typeof o["startUrl"] === "string")
  );
}

const isLocated = (x: unknown): x is LocatedSection[] =>
  Array.isArray(x) &&
  x.every(
    (s) =>
      typeof s === "object" &&
      s !== null &&
      Number.isInteger((s as LocatedSection).line) &&
      typeof (s as LocatedSection).text === "string",
  );

const isHexName = (x: unknown): x is string => typeof x === "string" && /^[0-9a-f]{40}$/.test(x);

/** The entry when it is whole, of this version and for exactly `forKey`; else undefined (recomputed). */
function readIndex(file: string, forKey: IndexRecord["for"]): IndexRecord | undefined {
  const r = readRegular(file);
  if (!r) return undefined;
  try {
    const x = JSON.parse(r.text) as Record<string, unknown>;
    if (x["v"] !== 4 || !isFileId(x["config"]) || !(x["credentials"] === null || isFileId(x["credentials"])))
      return undefined;
    const f = x["for"];
    if (!Array.isArray(f) || f.length !== 3 || f.some((s, i) => s !== forKey[i])) return undefined;
    if (!isProfile(x["profile"]) || !(x["region"] === null || typeof x["region"] === "string"))
      return undefined;
    // The derived values are there exactly when the profile is.
    if (x["profile"] === null) {
      if (x["startUrl"] !== null || x["tokenFile"] !== null || x["roleFile"] !== null) return undefined;
    } else if (
      typeof x["startUrl"] !== "string" ||
      x["startUrl"] === "" ||
      !isHexName(x["tokenFile"]) ||
      !isHexName(x["roleFile"])
    )
      return undefined;
    if (!(x["located"] === null || isLocated(x["located"]))) return undefined;
    return x as unknown as IndexRecord;
  } catch {
    return undefined;
  }
}

/** Write the index entry atomically (temp + rename, 0600 in a 0700 folder); any failure is ignored. */
function writeIndex(file: string, rec: IndexRecord): void {
  writeIndexFile(file, JSON.stringify(rec));
}

/**
 * Write an index file atomically (temp + rename, 0600 in a 0700 folder); any failure is ignored
 * (false: nothing was written). `text` may be parts, written one after the other (no copy into one
 * buffer).
 */
export function writeIndexFile(file: string, text: string | Uint8Array | Uint8Array[]): boolean {
  const f = fs();
  const dir = file.slice(0, file.lastIndexOf("/"));
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    f.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (Array.isArray(text)) {
      const fd = f.openSync(tmp, "wx", 0o600);
      try {
        for (const part of text) for (let at = 0; at < part.length; ) at += f.writeSync(fd, part, at);
      } finally {
        f.closeSync(fd);
      }
    } else f.writeFileSync(tmp, text, { mode: 0o600, flag: "wx" });
    f.renameSync(tmp, file);
    return true;
  } catch {
    try {
      f.unlinkSync(tmp);
    } catch {
      // nothing was left
    }
    return false;
  }
}

export interface FastPathOptions {
  /** Use and keep the index (default true). */
  index?: boolean;
  /** Wall clock for the index's settle rule (ms); tests pass a clock far ahead. Default Date.now. */
  wallClock?: () => number;
}

/**
 * The profile's location (role-cache key arguments, region, start URL, cache file names): from the
 * index when its entry is for these files and this profile and both files keep their identity, else
 * from the files (null: not a fast-path profile; undefined: the files cannot be read here). Shared by
 * credential_process here, `use --print-env` (src/shell/fast-path.ts) and `console --print`
 * (src/console/fast-path.ts).
 */
export function locateFastPathProfile(
  paths: ReturnType<typeof awsPaths>,
  profileName: string,
  opts: FastPathOptions = {},
): FastPathLocation | null | undefined {
  const useIndex = opts.index !== false;
  const forKey: IndexRecord["for"] = [paths.configFile, paths.credentialsFile, profileName];
  const memoKey = JSON.stringify(forKey);
  const idxFile = useIndex ? indexFile(paths.awsDir, memoKey) : "";
  if (useIndex) {
    const cfgId = statId(paths.configFile);
    const credId = statId(paths.credentialsFile);
    if (cfgId && credId !== undefined) {
      const rec = readIndex(idxFile, forKey);
      if (rec && sameId(rec.config, cfgId) && sameId(rec.credentials, credId)) {
        remember(memoKey, rec.located);
        return rec.profile === null
          ? null
          : {
              key: rec.profile,
              region: rec.region ?? undefined,
              startUrl: rec.startUrl as string,
              tokenFile: rec.tokenFile as string,
              roleFile: rec.roleFile as string,
            };
      }
    }
  }
  const cred = readRegular(paths.credentialsFile);
  if (cred === undefined) return undefined;
  const cfg = readRegular(paths.configFile);
  if (!cfg) return undefined;
  const cfgParsed = parseConfigText(cfg.text);
  const credParsed = parseCredentials(cred?.text);
  const found = locateInParsed(cfgParsed, credParsed, profileName);
  const located = found ? withCacheFiles(found) : null;
  const sections = locateSections(cfgParsed, credParsed, profileName);
  remember(memoKey, sections);
  const now = (opts.wallClock ?? Date.now)();
  if (useIndex && settled(cfg.id, now) && settled(cred?.id ?? null, now))
    writeIndex(idxFile, {
      v: 4,
      for: forKey,
      config: cfg.id,
      credentials: cred?.id ?? null,
      profile: located?.key ?? null,
      region: located?.region ?? null,
      startUrl: located?.startUrl ?? null,
      tokenFile: located?.tokenFile ?? null,
      roleFile: located?.roleFile ?? null,
      located: sections,
    });
  return located;
}

/**
 * The located sections of the last lookup in this process (by config file, credentials file and
 * profile), so the full resolver that runs after a cache miss needs neither the index nor the config
 * again. Kept on globalThis: the CommonJS launcher and the ESM CLI are separate bundles of this module.
 */
const LOCATED = Symbol.for("portico.fastPath.located");

function remember(key: string, sections: LocatedSection[] | null): void {
  (globalThis as Record<symbol, unknown>)[LOCATED] = { key, sections };
}

/**
 * The sections `profileName` needs (src/config/located.ts), from this process's earlier lookup, else
 * from the validated index or a full parse (which then writes the index); null when the profile cannot
 * be located (parse everything), undefined when the files cannot be read here.
 */
export function locatedSectionsFor(
  paths: ReturnType<typeof awsPaths>,
  profileName: string,
  opts: FastPathOptions = {},
): LocatedSection[] | null | undefined {
  const key = JSON.stringify([paths.configFile, paths.credentialsFile, profileName]);
  const memo = (globalThis as Record<symbol, unknown>)[LOCATED] as
    | { key: string; sections: LocatedSection[] | null }
    | undefined;
  if (memo?.key === key) return memo.sections;
  if (locateFastPathProfile(paths, profileName, opts) === undefined) return undefined;
  const again = (globalThis as Record<symbol, unknown>)[LOCATED] as typeof memo;
  return again?.key === key ? again.sections : undefined;
}

/**
 * Try to answer from the cache. Returns the text to print on stdout, or undefined to fall back.
 * Never throws.
 */
export function credentialProcessFromCache(
  argv: string[],
  env: NodeJS.ProcessEnv,
  now: Date,
  opts: FastPathOptions = {},
): string | undefined {
  try {
    const flag = fastPathProfileFlag(argv);
    if (!flag) return undefined;
    // botocore's chain: environment keys win unless a profile was named on the command line.
    if (flag.profile === undefined && env["AWS_ACCESS_KEY_ID"]) return undefined;
    const profileName = resolveProfileName(env, flag.profile).name;
    const paths = awsPaths(env);
    const located = locateFastPathProfile(paths, profileName, opts);
    if (!located) return undefined;
    const text = readText(`${paths.cliCacheDir}/${located.roleFile}.json`);
    if (text === undefined) return undefined;
    const creds = parseCacheEntry(text);
    if (!creds || !isFresh(creds, now)) return undefined;
    return formatCredentialProcess({ accountId: located.key.accountId, ...creds });
  } catch {
    return undefined;
  }
}

/** Set by an entry point whose fast path missed, so later attempts in the same process skip it. */
const MISSED = Symbol.for("portico.credentialProcessFastPath.missed");

/** Whether this process's entry point already tried the fast path for `env` and missed. */
export function fastPathMissed(env: NodeJS.ProcessEnv): boolean {
  return (globalThis as Record<symbol, unknown>)[MISSED] === env;
}

/**
 * For the executable's entry, before the full CLI loads: answer `portico credential-process …` from the
 * cache and return true, or return false (nothing written) so the caller runs the full CLI.
 */
export function tryCredentialProcessFastPath(argv: string[], env: NodeJS.ProcessEnv): boolean {
  if (argv[0] !== "credential-process" || fastPathMissed(env)) return false;
  const out = credentialProcessFromCache(argv, env, new Date());
  if (out === undefined) {
    // The launcher and the ESM entry both try; the config is read (at most) once per process.
    (globalThis as Record<symbol, unknown>)[MISSED] = env;
    return false;
  }
  writeAll(1, out);
  return true;
}
