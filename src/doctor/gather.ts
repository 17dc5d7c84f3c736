/**
 * Gathering the facts `portico doctor` judges (docs/doctor.md): files and their modes, the parsed
 * config (through the config layer), cached tokens (through src/sso/cache.ts), the tools on PATH.
 * All I/O lives here; the judgement is in checks.ts. Nothing here changes anything on disk.
 */
import { execFile } from "node:child_process";
import { constants, promises as fs } from "node:fs";
import * as path from "node:path";
import { parseConfigText, shlexSplit } from "../config/botocore";
import { backupPath } from "../config/edit";
import { type LintInput, lintFiles } from "../config/lint";
import { type AwsConfig, buildAwsConfig, readConfigText } from "../config/load";
import { awsPaths } from "../config/paths";
import { isPorticoError, type PorticoError } from "../errors";
import { readToken, tokenFilePath } from "../sso/cache";
import { type SsoSession, ssoSessionByName } from "../sso/session";
import type { Facts, FileFact, SessionFact, ToolFact } from "./types";

export interface GatherOptions {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  profile?: string;
}

export async function fileFact(p: string): Promise<FileFact> {
  let symlink = false;
  try {
    const l = await fs.lstat(p);
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
    const s = await fs.stat(p);
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

/** Every executable `aws` on PATH, in PATH order (the first is the one a shell runs). */
export async function awsOnPath(env: NodeJS.ProcessEnv): Promise<string[]> {
  const dirs = (env["PATH"] ?? "").split(path.delimiter).filter(Boolean);
  const seen = new Set<string>();
  const found: string[] = [];
  for (const dir of dirs) {
    const p = path.join(dir, process.platform === "win32" ? "aws.exe" : "aws");
    try {
      await fs.access(p, constants.X_OK);
      if (!(await fs.stat(p)).isFile()) continue;
      // /bin/aws and /usr/bin/aws are often one file (a merged /usr): count it once.
      const real = await fs.realpath(p);
      if (seen.has(real)) continue;
      seen.add(real);
      found.push(p);
    } catch {}
  }
  return found;
}

async function awsTools(env: NodeJS.ProcessEnv): Promise<ToolFact[]> {
  const found = (await awsOnPath(env)).slice(0, 4);
  return Promise.all(
    found.map(async (p): Promise<ToolFact> => {
      try {
        const out = await run(p, ["--version"], env);
        return { path: p, version: out.split("\n")[0] ?? "" };
      } catch (e) {
        return { path: p, error: (e as Error).message.slice(0, 300) };
      }
    }),
  );
}

const PY_PROBE =
  "import json\nout={}\nfor m in ('boto3','botocore'):\n  try:\n    out[m]=__import__(m).__version__\n  except Exception:\n    pass\nprint(json.dumps(out))";

async function pythonSdk(env: NodeJS.ProcessEnv): Promise<Facts["python"]> {
  const dirs = (env["PATH"] ?? "").split(path.delimiter).filter(Boolean);
  let python: string | undefined;
  for (const d of dirs) {
    const p = path.join(d, "python3");
    try {
      await fs.access(p, constants.X_OK);
      python = p;
      break;
    } catch {}
  }
  if (!python) return undefined;
  try {
    const out = JSON.parse(await run(python, ["-c", PY_PROBE], env)) as Record<string, string>;
    return {
      python,
      ...(out["boto3"] ? { boto3: out["boto3"] } : {}),
      ...(out["botocore"] ? { botocore: out["botocore"] } : {}),
    };
  } catch (e) {
    return { python, error: (e as Error).message.slice(0, 200) };
  }
}

async function listCacheFiles(dir: string): Promise<FileFact[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const out: FileFact[] = [];
  for (const n of names) if (n.endsWith(".json")) out.push(await fileFact(path.join(dir, n)));
  return out;
}

async function readForLint(
  file: string,
  kind: "config" | "credentials",
): Promise<{ input: LintInput; text?: string; error?: PorticoError }> {
  try {
    const text = await readConfigText(file);
    return { input: { file, kind, text }, ...(text !== undefined ? { text } : {}) };
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

/** The sessions profiles sign in with: every [sso-session], and each legacy start URL. */
function sessionsOf(config: AwsConfig): { session: SsoSession; where: string; profiles: string[] }[] {
  const byKey = new Map<string, { session: SsoSession; where: string; profiles: string[] }>();
  for (const [name, section] of config.ssoSessions) {
    try {
      byKey.set(name, {
        session: ssoSessionByName(config, name),
        where: `${section.file}:${section.line}`,
        profiles: [],
      });
    } catch {
      // incomplete sessions are reported by the lint findings
    }
  }
  for (const [name, p] of config.profiles) {
    const v = p.values;
    const sess = v["sso_session"];
    if (typeof sess === "string") {
      byKey.get(sess)?.profiles.push(name);
      continue;
    }
    const url = v["sso_start_url"];
    const region = v["sso_region"];
    if (typeof url !== "string" || typeof region !== "string") continue;
    let e = byKey.get(`legacy:${url}`);
    if (!e) {
      e = {
        session: {
          kind: "legacy",
          startUrl: url,
          region,
          scopes: [],
          registrationScopes: null,
          cacheKey: url,
        },
        where: `${p.file}:${p.keyLines["sso_start_url"] ?? p.line}`,
        profiles: [],
      };
      byKey.set(`legacy:${url}`, e);
    }
    e.profiles.push(name);
  }
  return [...byKey.values()];
}

async function findProgram(word: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const candidates = word.includes("/")
    ? [path.resolve(word.replace(/^~(?=\/)/, env["HOME"] ?? "~"))]
    : (env["PATH"] ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .map((d) => path.join(d, word));
  for (const c of candidates) {
    try {
      await fs.access(c, constants.X_OK);
      return c;
    } catch {}
  }
  return null;
}

export async function gatherFacts(o: GatherOptions): Promise<Facts> {
  const env = o.env;
  const paths = awsPaths(env);
  const toolsP = Promise.all([awsTools(env), pythonSdk(env)]);
  const [awsDir, config, credentials, ssoCache, cliCache] = await Promise.all([
    fileFact(paths.awsDir),
    fileFact(paths.configFile),
    fileFact(paths.credentialsFile),
    fileFact(paths.ssoCacheDir),
    fileFact(paths.cliCacheDir),
  ]);
  const backups = (
    await Promise.all([backupPath(paths.configFile), backupPath(paths.credentialsFile)].map(fileFact))
  ).filter((f) => f.exists);
  const cacheFiles = [
    ...(await listCacheFiles(paths.ssoCacheDir)),
    ...(await listCacheFiles(paths.cliCacheDir)),
  ];
  const caPath = env["AWS_CA_BUNDLE"];
  const caBundle = caPath ? await fileFact(caPath) : undefined;

  const [cfg, cred] = await Promise.all([
    readForLint(paths.configFile, "config"),
    readForLint(paths.credentialsFile, "credentials"),
  ]);
  const lint = lintFiles([cfg.input, cred.input]);
  let awsConfig: AwsConfig | undefined;
  let configError = cfg.error ?? cred.error;
  const cfgParsed = parseConfigText(cfg.text ?? "");
  const credParsed = parseConfigText(cred.text ?? "");
  if (!configError && !cfgParsed.refusal && !credParsed.refusal) {
    awsConfig = buildAwsConfig(
      paths,
      { text: cfg.text ?? "", parsed: cfgParsed },
      { text: cred.text ?? "", parsed: credParsed },
    );
  } else if (!configError) {
    const { parseError } = await import("../config/botocore");
    configError = cfgParsed.refusal
      ? parseError(paths.configFile, cfgParsed.refusal, paths.configFileDisplay)
      : parseError(paths.credentialsFile, credParsed.refusal!, paths.credentialsFileDisplay);
  }

  const sessions: SessionFact[] = [];
  const programs = new Map<string, string | null>();
  if (awsConfig) {
    const list = sessionsOf(awsConfig);
    const reads = await Promise.all(list.map((s) => readToken(paths.ssoCacheDir, s.session)));
    for (const [i, s] of list.entries()) {
      sessions.push({
        key: s.session.cacheKey,
        session: s.session,
        where: s.where,
        token: reads[i]!,
        tokenFile: tokenFilePath(paths.ssoCacheDir, s.session),
        profiles: s.profiles,
      });
    }
    for (const p of awsConfig.profiles.values()) {
      const cp = p.values["credential_process"];
      if (typeof cp !== "string") continue;
      let word: string | undefined;
      try {
        word = shlexSplit(cp)[0];
      } catch {
        word = undefined;
      }
      if (word !== undefined && !programs.has(word)) programs.set(word, await findProgram(word, env));
    }
  }
  const [aws, python] = await toolsP;
  return {
    now: o.now(),
    env,
    paths,
    ...(o.profile !== undefined ? { profileFlag: o.profile } : {}),
    aws,
    ...(python ? { python } : {}),
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
    lint,
    ...(cfg.text !== undefined ? { configText: cfg.text } : {}),
    ...(cred.text !== undefined ? { credentialsText: cred.text } : {}),
    ...(awsConfig ? { config: awsConfig } : {}),
    ...(configError ? { configError } : {}),
    sessions,
    programs,
  };
}
