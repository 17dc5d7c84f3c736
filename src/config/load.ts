/**
 * Reads the shared config and credentials files the way botocore's `Session.full_config` does
 * (docs/reference.md §1.2): config-file sections mapped by `build_profile_map`, credentials-file sections
 * used verbatim and merged key by key over the config profile of the same name; profiles in the order
 * `aws configure list-profiles` prints them. A missing file is empty; a file botocore refuses is a
 * PorticoError "config_parse" (exit 3) naming file:line.
 */
import { isAscii } from "node:buffer";
import { configError } from "../errors";
import { environmentError } from "../platform/files";
import { readRegularFile, readRegularFileSync } from "../platform/regular-file";
import { LazyMap, type ParsedConfig, parseConfigText, parseError, profileMapEntry } from "./botocore";
import { type AwsPaths, awsPaths } from "./paths";
import { type ConfigWarning, sdkJsWarnings } from "./sdkjs";

export type { ConfigWarning } from "./sdkjs";

export interface SectionView {
  /** Profile / sso-session / services name. */
  name: string;
  /** botocore semantics: keys lower-cased, sub-sections as objects, [DEFAULT] keys inherited. */
  values: Record<string, string | Record<string, string>>;
  /** Where the section header is (1-based line); for a merged profile, the config file's header. */
  file: string;
  line: number;
  /** key → 1-based line (in the file named by `keyFiles[key]`, or `file`). */
  keyLines: Record<string, number>;
  /** key → file it came from (differs from `file` for credentials-file keys of a merged profile). */
  keyFiles: Record<string, string>;
  /** The section name as written, e.g. `profile dev`. */
  section: string;
}

export interface AwsConfig {
  paths: AwsPaths;
  /** Config profiles (file order) merged with credentials-file ones (credentials win), then credentials-only profiles. */
  profiles: Map<string, SectionView>;
  ssoSessions: Map<string, SectionView>;
  services: Map<string, SectionView>;
  /** SDK-JS divergences, in file then line order (computed on first access). */
  readonly warnings: ConfigWarning[];
}

/** A file's text, or undefined if it does not exist. Not UTF-8 → "config_parse" (Python cannot decode it either). */
export async function readConfigText(file: string, displayFile = file): Promise<string | undefined> {
  let bytes: Buffer | undefined;
  try {
    // Regular files only (a FIFO or /dev/zero must not hang or fill memory); /dev/null reads as empty.
    bytes = await readRegularFile(file);
  } catch (e) {
    throw unreadableConfig(e, displayFile);
  }
  return bytes === undefined ? undefined : decodeConfig(bytes, file, displayFile);
}

/**
 * readConfigText synchronously, with the bytes read (doctor's start-up path: src/doctor/gather.ts).
 * An ASCII file (which cannot fail to decode) is decoded when its text is first asked for: doctor's
 * chunked read of a big file reads the bytes only (src/doctor/chunks.ts).
 */
export function readConfigFileSync(
  file: string,
  displayFile = file,
): { readonly text: string; bytes: Buffer } | undefined {
  let bytes: Buffer | undefined;
  try {
    bytes = readRegularFileSync(file);
  } catch (e) {
    throw unreadableConfig(e, displayFile);
  }
  if (bytes === undefined) return undefined;
  if (!isAscii(bytes)) return { text: decodeUtf8(bytes, file, displayFile), bytes };
  const ascii = bytes;
  let text: string | undefined;
  return {
    bytes,
    get text(): string {
      text ??= ascii.toString("latin1");
      return text;
    },
  };
}

function unreadableConfig(e: unknown, displayFile: string): Error {
  const env = environmentError(e, displayFile, "read");
  if (env && env.code !== "fs_permission_denied") return env;
  return configError("config_unreadable", `cannot read ${displayFile}: ${(e as Error).message}`, {
    cause: e,
    hint: `check the permissions of ${displayFile}`,
  });
}

function decodeConfig(bytes: Buffer, file: string, displayFile: string): string {
  // ASCII (most config files) is its own UTF-8: read as Latin-1, which copies the bytes as they are.
  return isAscii(bytes) ? bytes.toString("latin1") : decodeUtf8(bytes, file, displayFile);
}

/** Bytes that are not all ASCII as UTF-8 text; the `config_parse` error naming the line when they are not. */
function decodeUtf8(bytes: Buffer, file: string, displayFile: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (e) {
    const line = invalidUtf8Line(bytes);
    throw configError(
      "config_parse",
      `${displayFile}:${line}: the file is not valid UTF-8 (botocore and the AWS CLI refuse it)`,
      {
        cause: e,
        hint: `re-save ${displayFile} as UTF-8 (see every problem with: portico config lint ${displayFile})`,
        details: { file, line, problem: "invalid_utf8" },
      },
    );
  }
}

/** The 1-based line (Python's universal newlines) holding the first byte that is not valid UTF-8. */
export function invalidUtf8Line(bytes: Uint8Array): number {
  // The shortest prefix that fails to decode (streaming, so a cut multi-byte sequence is not an error).
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, mid + 1), {
        stream: true,
      });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  const before = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.subarray(0, lo));
  const breaks = before.match(/\r\n|\r|\n/g)?.length ?? 0;
  return breaks + 1;
}

/** Read and parse one file (missing = empty), refusing what botocore refuses. */
export async function loadConfigFile(
  file: string,
  displayFile = file,
): Promise<{ text: string; parsed: ParsedConfig; exists: boolean }> {
  const text = await readConfigText(file, displayFile);
  const parsed = parseConfigText(text ?? "");
  if (parsed.refusal) throw parseError(file, parsed.refusal, displayFile);
  return { text: text ?? "", parsed, exists: text !== undefined };
}

function view(name: string, section: string, parsed: ParsedConfig, file: string): SectionView {
  const raw = parsed.section(section)!;
  const values: SectionView["values"] = Object.create(null);
  for (const [k, v] of raw) values[k] = typeof v === "string" ? v : Object.fromEntries(v);
  const keyLines: Record<string, number> = Object.create(null);
  const keyFiles: Record<string, string> = Object.create(null);
  for (const [k, line] of parsed.keyLines(section) ?? []) {
    keyLines[k] = line;
    keyFiles[k] = file;
  }
  return { name, values, file, line: parsed.headerLine(section) ?? 0, keyLines, keyFiles, section };
}

/** Build the AwsConfig from already-read texts (pure apart from nothing: used by loadAwsConfig and tests). */
export function buildAwsConfig(
  paths: AwsPaths,
  config: { text: string; parsed: ParsedConfig },
  credentials: { text: string; parsed: ParsedConfig },
): AwsConfig {
  const cfg = config.parsed;
  const cred = credentials.parsed;
  const ls = cfg.lines;
  // Every view is built when it is first read (a command that reads one profile of 21,000 builds one);
  // the maps know their names and order from the start (botocore `build_profile_map` over the
  // sections, each name holding its section's index until read). Credentials-file sections are merged
  // key by key over the config profile of the same name (botocore: config['profiles'][profile].update(cred_vars)).
  const fromConfig = (n: string, s: number) => view(n, ls.sectionName(s), cfg, paths.configFile);
  const profiles = new LazyMap<SectionView>((n, s) => {
    const base = s >= 0 ? fromConfig(n, s) : undefined;
    if (cred.section(n) === undefined) return base!;
    const cv = view(n, n, cred, paths.credentialsFile);
    if (base === undefined) return cv;
    Object.assign(base.values, cv.values);
    Object.assign(base.keyLines, cv.keyLines);
    Object.assign(base.keyFiles, cv.keyFiles);
    return base;
  });
  const ssoSessions = new LazyMap<SectionView>(fromConfig);
  const services = new LazyMap<SectionView>(fromConfig);
  const maps = { profiles, ssoSessions, services };
  for (let s = 0; s < ls.sectionCount; s++) {
    if (ls.isDefault(s) || ls.isDuplicate(s)) continue;
    const e = profileMapEntry(ls.sectionName(s));
    if (e) maps[e.kind].later(e.name, s);
  }
  const credLs = cred.lines;
  for (let s = 0; s < credLs.sectionCount; s++) {
    if (credLs.isDefault(s) || credLs.isDuplicate(s)) continue;
    const n = credLs.sectionName(s);
    if (!profiles.has(n)) profiles.later(n, -1);
  }
  // The SDK-JS comparison is computed on first read of `warnings` only (most commands never look),
  // then kept.
  let warnings: ConfigWarning[] | undefined;
  return {
    paths,
    profiles,
    ssoSessions,
    services,
    get warnings(): ConfigWarning[] {
      warnings ??= [
        ...sdkJsWarnings(config.text, config.parsed, paths.configFile, "config"),
        ...sdkJsWarnings(credentials.text, credentials.parsed, paths.credentialsFile, "credentials"),
      ];
      return warnings;
    },
  };
}

/** Reads both files (missing = empty). A file botocore refuses → PorticoError "config_parse", exit 3. */
export async function loadAwsConfig(env: NodeJS.ProcessEnv): Promise<AwsConfig> {
  const paths = awsPaths(env);
  const [config, credentials] = await Promise.all([
    loadConfigFile(paths.configFile, paths.configFileDisplay),
    loadConfigFile(paths.credentialsFile, paths.credentialsFileDisplay),
  ]);
  return buildAwsConfig(paths, config, credentials);
}
