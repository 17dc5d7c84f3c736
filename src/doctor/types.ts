/**
 * The data of `portico doctor` (docs/doctor.md): the facts gathered from the machine (I/O, gather.ts)
 * and the findings the checks derive from them (pure, checks.ts). A finding's `id` is stable: scripts
 * and agents key on it; the same id may appear once per subject (a file, a profile, a session).
 */
import type { AwsConfig } from "../config/load";
import type { AwsPaths } from "../config/paths";
import type { TokenRead } from "../sso/cache";
import type { SsoSession } from "../sso/session";
import type { NodeSdkFact } from "./node-sdk";

export type Status = "ok" | "warning" | "problem";
export type Group = "tools" | "files" | "profiles" | "environment" | "sessions" | "verify";

/** A change doctor can make itself with --fix (shown as a diff first). */
export type FixAction =
  | { kind: "chmod"; path: string; from: number; to: number }
  | {
      kind: "config-edit";
      /** The file as resolved (what is edited) and as shown. */
      file: string;
      display: string;
      /** The edit as ConfigEditor operations, in order (serialisable, so --json can show it). */
      ops: ConfigOp[];
    };

export type ConfigOp =
  | { op: "set"; kind: "profile" | "sso-session"; name: string; key: string; value: string }
  | { op: "unset"; kind: "profile" | "sso-session"; name: string; key: string };

export interface Finding {
  id: string;
  group: Group;
  status: Status;
  /** What the finding is about (a path, a profile, a session), when the id can repeat. */
  subject?: string;
  message: string;
  /** What was seen: paths with file:line, versions, modes, times. Never a secret. */
  evidence: string[];
  /** The exact fix for a person (a command, or what to change where); undefined when nothing to do. */
  fix?: string;
  /** What `--fix` would do. */
  action?: FixAction;
}

export interface FileFact {
  path: string;
  exists: boolean;
  /** lstat: is a symlink; `dangling` when it points at nothing. */
  symlink: boolean;
  dangling: boolean;
  directory: boolean;
  /** Permission bits (mode & 0o777) of what the path resolves to. */
  mode?: number;
}

export interface ToolFact {
  path: string;
  /** `aws --version` first line, e.g. "aws-cli/2.15.0 Python/3.11 ...". */
  version?: string;
  error?: string;
}

export interface SessionFact {
  /** sso-session name, or the start URL (legacy profiles). */
  key: string;
  session: SsoSession;
  /** Where it is configured (file:line). */
  where: string;
  token: TokenRead;
  tokenFile: string;
  /** Profiles that use it (all of them on a full run; the first only when read from the cache). */
  profiles: string[];
  profileCount: number;
}

/** A profile's credential_process as the files say it (content fact; checks.ts credentialProcessDigest). */
export interface CredentialProcessFact {
  profile: string;
  section: string;
  /** file:line of the key. */
  where: string;
  command: string;
  /** The program word; null when the command cannot be split. */
  program: string | null;
  /** The profile chain when the commands loop back (p → q → p), else null. */
  loop: string[] | null;
}

/**
 * Everything doctor concludes from the config and credentials files' text alone (no clock, no
 * environment apart from the profile selection, no other file): computed by content.ts, kept in the
 * doctor cache (cache.ts) keyed by both files' identity. JSON-serialisable.
 */
export interface ContentFacts {
  /** The files parse into profiles (false: unreadable, or neither file says anything). */
  readable: boolean;
  /** `profiles.unreadable` when the files cannot be parsed. */
  unreadable?: Finding;
  /** The lint findings as files.parse / files.divergence (and the files.parse ok). */
  files: Finding[];
  /** `profiles.selected` per selection (checks.ts selectionKey); filled for the selections seen. */
  selected: Record<string, Finding>;
  /** profiles.legacy_sso, profiles.case_duplicate, profiles.default_admin. */
  profiles: Finding[];
  credentialProcess: CredentialProcessFact[];
  /** sessions.scopes. */
  scopes: Finding[];
  /**
   * The sessions profiles sign in with (their token is read on every run), with their token file's
   * name in the SSO cache (SHA-1 of the session's key, docs/reference.md §2.1: kept, so a run answered
   * from the cache, or reusing kept chunks, hashes nothing).
   */
  sessions: (Omit<SessionFact, "token" | "tokenFile"> & { tokenName: string })[];
}

export interface VerifyFact {
  key: string;
  region: string;
  endpoint?: string;
  /** RegisterClient answered. */
  reachable: boolean;
  reachError?: string;
  /** StartDeviceAuthorization + one CreateToken poll: "pending" = the start URL belongs to this region. */
  startUrl?: "ok" | "wrong_region" | "error";
  startUrlError?: string;
  /** Regions probed as alternatives, and the one that accepted the start URL. */
  probed?: string[];
  correctRegion?: string;
  /** Server Date minus local time, ms. */
  skewMs?: number;
}

export interface IdentityFact {
  profile: string;
  ok: boolean;
  account?: string;
  arn?: string;
  role?: string;
  permissionSet?: string;
  user?: string;
  error?: { code: string; message: string; hint?: string };
}

export interface Facts {
  now: Date;
  /** The AWS-related environment variables doctor looks at (values never printed for secrets). */
  env: NodeJS.ProcessEnv;
  paths: AwsPaths;
  profileFlag?: string;
  aws: ToolFact[];
  python?: { python: string; boto3?: string; botocore?: string; error?: string };
  /** The AWS SDK for JavaScript of the project in the working folder, if it declares one. */
  nodeSdk?: NodeSdkFact;
  files: {
    awsDir: FileFact;
    config: FileFact;
    credentials: FileFact;
    ssoCache: FileFact;
    cliCache: FileFact;
    backups: FileFact[];
    /** Token / credential cache files (sso/cache, cli/cache). */
    cacheFiles: FileFact[];
    caBundle?: FileFact;
  };
  content: ContentFacts;
  /** Where the content facts came from: computed from the files now, or the cache. */
  contentSource: "files" | "cache";
  /**
   * The config was read chunk by chunk against kept analyses, reusing some and analysing others (an
   * edit's run: the code it runs is what the code cache entry should hold, src/cli/doctor-fast.ts).
   */
  editedChunks?: boolean;
  configText?: string;
  credentialsText?: string;
  /** The parsed files: on a run that read them (not from the cache); --verify needs them. */
  config?: AwsConfig;
  sessions: SessionFact[];
  /** credential_process program (first word) → resolved path, or null when not found. */
  programs: Map<string, string | null>;
  verify?: VerifyFact[];
  identity?: IdentityFact;
}
