/**
 * Gathering the facts `portico doctor` judges (docs/doctor.md): files and their modes, the parsed
 * config (through the config layer), cached tokens (through src/sso/cache.ts), the tools on PATH.
 * All I/O lives here; the judgement is in checks.ts. Nothing here changes anything on disk.
 * Synchronous node:fs (through process.getBuiltinModule): a run answered from the doctor cache is the
 * launcher's start-up path (src/cli/doctor-fast.ts), where fs/promises alone costs several ms
 * (docs/benchmarks.md "Doctor"); only the tool probes that are not cached run asynchronously.
 */
import * as path from "node:path";
import { backupPath } from "../config/edit";
import { type AwsConfig, readConfigFileSync } from "../config/load";
import { type AwsPaths, awsPaths, resolveProfileName } from "../config/paths";
import { isPorticoError } from "../errors";
import { builtin } from "../platform/builtin";
import { environmentError } from "../platform/files";
import { readRegularFileSync } from "../platform/regular-file";
import { parseToken, type TokenRead } from "../sso/cache";
import {
  cachedProbe,
  type FreshProbe,
  filesIdentity,
  probeKey,
  readChunkStore,
  readContentCache,
  readToolCache,
  type ToolProbe,
  writeChunkStore,
  writeContentCache,
  writeToolCache,
} from "./cache";
import { selectionKey } from "./checks";
import { chunkedContent } from "./chunks";
import { compactContent, contentFacts, type FileRead } from "./content";
import { type NodeSdkFact, nodeSdk } from "./node-sdk";
import type { ContentFacts, Facts, FileFact, SessionFact, ToolFact } from "./types";

const fs = (): typeof import("node:fs") => builtin<typeof import("node:fs")>("node:fs");

export interface GatherOptions {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  profile?: string;
  /** The working folder (tool shims and the Node SDK of a project depend on it); default process.cwd(). */
  cwd?: string;
  /** false: neither read nor write the doctor cache (--no-cache). */
  cache?: boolean;
  /** Parse the files even when the cache has their facts (--verify needs the parsed config). */
  needConfig?: boolean;
  /** Only answer from the cache: undefined when the content facts are not cached (the launcher's fast path). */
  onlyFromCache?: boolean;
  /** Wall clock (ms) for the cache's 2-second rule and probe ages; tests pass one far ahead. Default Date.now. */
  wallClock?: () => number;
  /**
   * What an `onlyFromCache` run of this process found (its miss): the run goes on from it instead of
   * reading the tool cache, the files' identity and the content cache again — when it was made for the
   * same environment, profile and working folder.
   */
  lookup?: CacheLookup;
}

/**
 * The doctor cache as a run finds it before it reads a file: the tool cache's entries, the files'
 * identity, and the content facts kept for them and this selection (undefined: not kept).
 */
export interface CacheLookup {
  env: NodeJS.ProcessEnv;
  profile: string | undefined;
  pr: Probes;
  sel: ReturnType<typeof resolveProfileName>;
  id: ReturnType<typeof filesIdentity> | undefined;
  content: ContentFacts | undefined;
}

/** Whether `p` exists, without an exception when it does not (each exception costs a stack trace). */
const present = (p: string): boolean => {
  try {
    return fs().statSync(p, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
};

export function fileFact(p: string): FileFact {
  let symlink = false;
  try {
    const l = fs().lstatSync(p, { throwIfNoEntry: false });
    if (l === undefined) return { path: p, exists: false, symlink: false, dangling: false, directory: false };
    symlink = l.isSymbolicLink();
    if (!symlink)
      return {
        path: p,
        exists: true,
        symlink,
        dangling: false,
        directory: l.isDirectory(),
        mode: l.mode & 0o777,
      };
  } catch {
    return { path: p, exists: false, symlink: false, dangling: false, directory: false };
  }
  try {
    const s = fs().statSync(p, { throwIfNoEntry: false });
    if (s === undefined) return { path: p, exists: false, symlink, dangling: true, directory: false };
    return {
      path: p,
      exists: true,
      symlink,
      dangling: false,
      directory: s.isDirectory(),
      mode: s.mode & 0o777,
    };
  } catch {
    return { path: p, exists: false, symlink, dangling: true, directory: false };
  }
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<string> {
  // node:child_process only when a probe runs (not on a run answered from the doctor cache).
  const { execFile } = builtin<typeof import("node:child_process")>("node:child_process");
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env, timeout: timeoutMs, encoding: "utf8", maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        const out = `${stdout}${stderr}`.trim();
        if (err?.killed) reject(new Error(`did not answer within ${timeoutMs / 1000} s`));
        else if (err) reject(Object.assign(new Error(out.split("\n")[0] || err.message), { output: out }));
        else resolve(out);
      },
    );
  });
}

/**
 * The executable files named `name` in the PATH folders, in PATH order (the first is the one a shell
 * runs; `all: false` stops there). Each candidate is the folder, a separator and the name, as
 * execvp(3) forms it: not normalized (path.join walked every folder's characters once per name,
 * enough on a long PATH for V8 to compile Node's normalizer in an edit's run: docs/benchmarks.md
 * "Doctor").
 */
function onPath(env: NodeJS.ProcessEnv, name: string, all: boolean): string[] {
  const found: string[] = [];
  for (const dir of (env["PATH"] ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const p = dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
    if (!executable(p)) continue;
    found.push(p);
    if (!all) break;
  }
  return found;
}

/** A file (following links) this process may run; false, without an exception, when it is missing. */
function executable(p: string): boolean {
  const f = fs();
  try {
    if (!f.statSync(p, { throwIfNoEntry: false })?.isFile()) return false;
    f.accessSync(p, f.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every executable `aws` on PATH, in PATH order (the first is the one a shell runs). */
export function awsOnPath(env: NodeJS.ProcessEnv): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  for (const p of onPath(env, process.platform === "win32" ? "aws.exe" : "aws", true)) {
    try {
      // /bin/aws and /usr/bin/aws are often one file (a merged /usr): count it once.
      const real = fs().realpathSync.native(p);
      if (seen.has(real)) continue;
      seen.add(real);
      found.push(p);
    } catch {}
  }
  return found;
}

/** Tool probes through the cache (cache.ts): a hit is used, a miss is run and kept. */
interface Probes {
  env: NodeJS.ProcessEnv;
  cwd: string;
  nowMs: number;
  /** undefined: --no-cache. */
  entries: Record<string, unknown> | undefined;
  fresh: FreshProbe[];
}

async function probe<T>(
  pr: Probes,
  tool: ToolProbe,
  run: () => Promise<{ value: T; watch?: string[]; cache: boolean }>,
): Promise<T> {
  const key = pr.entries ? probeKey(tool, pr.env, pr.cwd) : undefined;
  if (key !== undefined) {
    const hit = cachedProbe<T>(pr.entries as Parameters<typeof cachedProbe>[0], key, pr.nowMs);
    if (hit !== undefined) return hit;
  }
  const r = await run();
  if (key !== undefined && r.cache)
    pr.fresh.push({ key, value: r.value, exe: tool.path, ...(r.watch ? { watch: r.watch } : {}) });
  return r.value;
}

/**
 * The project's Node SDK (node-sdk.ts), kept in the tool cache by working folder while every file it
 * read (or looked for) keeps its identity: a dozen stats instead of reading and parsing package.json
 * files on every run.
 */
function nodeSdkFact(pr: Probes): NodeSdkFact | undefined {
  const key = pr.entries ? JSON.stringify(["node-sdk", pr.cwd]) : undefined;
  if (key !== undefined) {
    const hit = cachedProbe<NodeSdkFact | null>(
      pr.entries as Parameters<typeof cachedProbe>[0],
      key,
      pr.nowMs,
    );
    if (hit !== undefined) return hit ?? undefined;
  }
  const probed: string[] = [];
  const fact = nodeSdk(pr.cwd, probed);
  if (key !== undefined) pr.fresh.push({ key, value: fact ?? null, watch: probed });
  return fact;
}

async function awsTools(pr: Probes): Promise<ToolFact[]> {
  const found = awsOnPath(pr.env).slice(0, 4);
  return Promise.all(
    found.map((p) =>
      probe<ToolFact>(pr, { kind: "aws", path: p }, async () => {
        try {
          const out = await run(p, ["--version"], pr.env);
          return { value: { path: p, version: out.split("\n")[0] ?? "" }, cache: true };
        } catch (e) {
          // A failure (or a time-out under load) is not kept: the next run asks again.
          return { value: { path: p, error: (e as Error).message.slice(0, 300) }, cache: false };
        }
      }),
    ),
  );
}

// The versions, and the folders Python imports from (their mtime changes when a package is added,
// upgraded or removed: the cache watches them).
const PY_PROBE =
  "import json,sys\nout={}\nfor m in ('boto3','botocore'):\n  try:\n    out[m]=__import__(m).__version__\n  except Exception:\n    pass\nout['path']=[p for p in sys.path if p]\nprint(json.dumps(out))";

async function pythonSdk(pr: Probes): Promise<Facts["python"]> {
  const py = onPath(pr.env, "python3", false)[0];
  if (py === undefined) return undefined;
  return probe<NonNullable<Facts["python"]>>(pr, { kind: "python3", path: py }, async () => {
    try {
      const out = JSON.parse(await run(py, ["-c", PY_PROBE], pr.env)) as Record<string, unknown>;
      const str = (k: string) => (typeof out[k] === "string" ? (out[k] as string) : undefined);
      const watch = Array.isArray(out["path"])
        ? (out["path"] as unknown[]).filter((x): x is string => typeof x === "string")
        : [];
      return {
        value: {
          python: py,
          ...(str("boto3") ? { boto3: str("boto3")! } : {}),
          ...(str("botocore") ? { botocore: str("botocore")! } : {}),
        },
        watch,
        cache: true,
      };
    } catch (e) {
      return { value: { python: py, error: (e as Error).message.slice(0, 200) }, cache: false };
    }
  });
}

function listCacheFiles(dir: string): FileFact[] {
  let names: string[];
  if (!present(dir)) return [];
  try {
    names = fs().readdirSync(dir);
  } catch {
    return [];
  }
  const out: FileFact[] = [];
  for (const n of names) if (n.endsWith(".json")) out.push(fileFact(path.join(dir, n)));
  return out;
}

/**
 * src/sso/cache.ts `readToken` read synchronously (the same file, the same refusals, the same
 * answers): a missing file is "missing", an unreadable one "malformed" with the same reason.
 */
export function readTokenSync(file: string): TokenRead {
  let text: string | undefined;
  try {
    text = readRegularFileSync(file)?.toString("utf8");
  } catch (e) {
    const err = (environmentError(e, file, "read") ?? e) as NodeJS.ErrnoException;
    return { status: "malformed", reason: `unreadable: ${err.code ?? String(err)}` };
  }
  if (text === undefined) return { status: "missing" };
  return parseToken(text);
}

function readForLint(file: string, kind: "config" | "credentials"): FileRead {
  try {
    const r = readConfigFileSync(file);
    if (!r) return { input: { file, kind, text: undefined } };
    // The text as the read has it (an ASCII file's decoded only when asked for: chunks.ts never asks).
    return {
      input: {
        file,
        kind,
        get text() {
          return r.text;
        },
      },
      bytes: r.bytes,
      get text() {
        return r.text;
      },
    };
  } catch (e) {
    if (!isPorticoError(e)) throw e;
    const details = e.details as { line?: number; problem?: string } | undefined;
    if (details?.problem === "invalid_utf8")
      return {
        input: { file, kind, text: undefined, invalidUtf8: true, invalidUtf8Line: details.line ?? 0 },
        error: e,
      };
    return { input: { file, kind, text: undefined }, error: e };
  }
}

function findProgram(word: string, env: NodeJS.ProcessEnv): string | null {
  if (!word.includes("/")) return onPath(env, word, false)[0] ?? null;
  const p = path.resolve(word.replace(/^~(?=\/)/, env["HOME"] ?? "~"));
  return executable(p) ? p : null;
}

const hasConfigEdit = (c: ContentFacts): boolean =>
  [...c.profiles, ...c.scopes].some((f) => f.action?.kind === "config-edit");

/**
 * The cache lookup of a run (gatherFacts); `useCache`: no --no-cache; `reuse`: the kept facts may be
 * used (no --no-cache, no --verify).
 */
function lookUp(o: GatherOptions, paths: AwsPaths, useCache: boolean, reuse: boolean): CacheLookup {
  const wall = o.wallClock ?? Date.now;
  const pr: Probes = {
    env: o.env,
    cwd: o.cwd ?? process.cwd(),
    nowMs: wall(),
    entries: useCache ? readToolCache(paths) : undefined,
    fresh: [],
  };
  const sel = resolveProfileName(o.env, o.profile);
  const id = reuse ? filesIdentity(paths) : undefined;
  let content = id ? readContentCache(paths, id) : undefined;
  if (content?.readable && content.selected[selectionKey(sel)] === undefined) content = undefined;
  return { env: o.env, profile: o.profile, pr, sel, id, content };
}

export async function gatherFacts(
  o: GatherOptions & { onlyFromCache: true },
): Promise<Facts | { miss: CacheLookup }>;
export async function gatherFacts(o: GatherOptions): Promise<Facts>;
export async function gatherFacts(o: GatherOptions): Promise<Facts | { miss: CacheLookup }> {
  const env = o.env;
  const paths = awsPaths(env);
  const useCache = o.cache !== false;
  const wall = o.wallClock ?? Date.now;
  // The content facts: from the cache when both files are unchanged and this selection was seen,
  // else from the files (each parsed once), then kept. Never written where there is no ~/.aws yet.
  // Kept facts are used (and the chunks reused) unless --no-cache, or --verify needs the whole read model.
  const reuse = useCache && !o.needConfig;
  const l = o.lookup;
  const lookup =
    reuse && l && l.env === env && l.profile === o.profile && l.pr.cwd === (o.cwd ?? process.cwd())
      ? l
      : lookUp(o, paths, useCache, reuse);
  const { pr, sel, id } = lookup;
  let content = lookup.content;
  if (!content && o.onlyFromCache) return { miss: lookup };
  const toolsP = Promise.all([awsTools(pr), pythonSdk(pr), nodeSdkFact(pr)]);
  const [awsDir, config, credentials, ssoCache, cliCache] = [
    paths.awsDir,
    paths.configFile,
    paths.credentialsFile,
    paths.ssoCacheDir,
    paths.cliCacheDir,
  ].map(fileFact) as [FileFact, FileFact, FileFact, FileFact, FileFact];
  const backups = [backupPath(paths.configFile), backupPath(paths.credentialsFile)]
    .map(fileFact)
    .filter((f) => f.exists);
  const cacheFiles = [...listCacheFiles(paths.ssoCacheDir), ...listCacheFiles(paths.cliCacheDir)];
  const caPath = env["AWS_CA_BUNDLE"];
  const caBundle = caPath ? fileFact(caPath) : undefined;

  const contentSource = content ? "cache" : "files";
  let editedChunks = false;
  let awsConfig: AwsConfig | undefined;
  /** Where the config's text is (read when a fix's diff asks for it). */
  let configRead: FileRead | undefined;
  let credentialsText: string | undefined;
  if (!content) {
    // (The identity the lookup took, before any file was read.)
    const before = id ?? (useCache ? filesIdentity(paths) : undefined);
    const cfg = readForLint(paths.configFile, "config");
    const cred = readForLint(paths.credentialsFile, "credentials");
    // A big config file is read chunk by chunk, reusing the chunks an earlier run analysed
    // (chunks.ts); --no-cache and --verify (which needs the whole read model) read it whole.
    const chunked = reuse ? chunkedContent(paths, cfg, cred, sel, readChunkStore(paths)) : undefined;
    if (chunked) {
      content = chunked.content;
      editedChunks = chunked.reused > 0 && chunked.analyzed > 0;
      if (chunked.changed && awsDir.exists && awsDir.directory) await writeChunkStore(paths, chunked.store);
    } else {
      const whole = contentFacts(paths, cfg, cred, sel);
      content = whole.content;
      awsConfig = whole.config;
    }
    configRead = cfg;
    credentialsText = cred.text;
    if (before && awsDir.exists && awsDir.directory)
      await writeContentCache(paths, before, compactContent(content), wall());
  } else if (hasConfigEdit(content) && !o.onlyFromCache) {
    // A fix is shown as a diff of the config file: its text is needed (reading is cheap; parsing is not).
    configRead = readForLint(paths.configFile, "config");
  }

  const sessions: SessionFact[] = content.sessions.map((s) => {
    const tokenFile = path.join(paths.ssoCacheDir, s.tokenName);
    return { ...s, token: readTokenSync(tokenFile), tokenFile };
  });
  const programs = new Map<string, string | null>();
  for (const c of content.credentialProcess)
    if (c.program !== null && !programs.has(c.program)) programs.set(c.program, findProgram(c.program, env));
  const [aws, python, node] = await toolsP;
  if (useCache && pr.fresh.length > 0 && awsDir.exists && awsDir.directory)
    await writeToolCache(paths, pr.fresh, wall());
  return {
    now: o.now(),
    env,
    paths,
    ...(o.profile !== undefined ? { profileFlag: o.profile } : {}),
    aws,
    ...(python ? { python } : {}),
    ...(node ? { nodeSdk: node } : {}),
    files: {
      awsDir,
      config,
      credentials,
      ssoCache,
      cliCache,
      backups,
      cacheFiles,
      ...(caBundle ? { caBundle } : {}),
    },
    content,
    contentSource,
    ...(editedChunks ? { editedChunks } : {}),
    // Decoded only when asked for (a fix's diff): a big ASCII file's text costs ms the chunked read saves.
    get configText() {
      return configRead?.text;
    },
    ...(credentialsText !== undefined ? { credentialsText } : {}),
    ...(awsConfig ? { config: awsConfig } : {}),
    sessions,
    programs,
  };
}
