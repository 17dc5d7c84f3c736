/**
 * Issue 7 defect 3: 200 processes at once — portico config edits, portico credential-process (role
 * credentials fetched single-flight, then served from the cache), boto3 and the AWS CLI v2 (/usr/bin/aws)
 * reading the same config and token cache and writing the same role-credential cache — against the
 * emulator. Target: 0 portico failures (waiting is bounded by the holder's progress, not a fixed 30 s),
 * 0 lost edits, 0 torn files, the refresh token still valid. And work that needs no lock takes none:
 * read-only commands and cache hits finish while every lock they could touch is held.
 * Figures printed here are quoted in docs/reliability.md.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { parseConfigText } from "../../src/config/botocore";
import { roleCacheFile, roleCacheKey } from "../../src/credentials/cache";
import { withFileLock } from "../../src/platform/lock";
import { parseToken } from "../../src/sso/cache";
import { demoConfig, deviceSignIn, writeConfig } from "../credentials/support";
import { AWS_CLI, awsClientEnv, runPython } from "../helpers/aws-clients";
import { tempHome } from "../helpers/emulator";
import { acmeTokenPath, assertBuilt, type ChildRun, pool, portico, runChild, sha256 } from "./fs-support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
let awsDir: string;

beforeAll(async () => {
  assertBuilt();
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = await awsClientEnv(home.home, emu.url);
  await writeConfig(home.home, demoConfig("\n[profile edits]\nregion = eu-north-1\n"));
  await deviceSignIn(env, "acme");
  awsDir = path.join(home.home, ".aws");
});
afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

const tokenPath = () => acmeTokenPath(awsDir);

/** boto3 through the helper (it finds the real python3 behind a pyenv shim), timed like the others. */
async function timedPython(code: string): Promise<ChildRun> {
  const t0 = performance.now();
  const r = await runPython(code, env);
  return { code: r.code, signal: null, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

type Kind = "edit" | "credential-process" | "boto3" | "aws-cli";

describe("200 mixed processes", () => {
  it("0 portico failures, 0 lost edits, 0 torn files, refresh token still valid", {
    timeout: 240_000,
  }, async () => {
    const kinds: Kind[] = [
      ...Array<Kind>(60).fill("edit"),
      ...Array<Kind>(120).fill("credential-process"),
      ...Array<Kind>(10).fill("boto3"),
      ...Array<Kind>(10).fill("aws-cli"),
    ];
    for (let i = kinds.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
    }
    // A reader beside them all: every read of the config and the token file must parse.
    let reads = 0;
    let torn = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const cfg = await fs.readFile(path.join(awsDir, "config"), "utf8");
        if (parseConfigText(cfg).refusal) torn++;
        if (parseToken(await fs.readFile(tokenPath(), "utf8")).status !== "ok") torn++;
        reads++;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const profiles = ["dev", "admin"];
    let edit = 0;
    const tasks = kinds.map((kind, n) => async (): Promise<{ kind: Kind; run: ChildRun; key?: string }> => {
      switch (kind) {
        case "edit": {
          const key = `e${edit++}`;
          return {
            kind,
            key,
            run: await portico(["config", "set", key, `v${n}`, "--profile", "edits"], env, {
              timeoutMs: 200_000,
            }),
          };
        }
        case "credential-process":
          return {
            kind,
            run: await portico(["credential-process", "--profile", profiles[n % 2]!], env, {
              timeoutMs: 200_000,
            }),
          };
        case "boto3":
          return {
            kind,
            run: await timedPython(
              `import boto3\nprint(boto3.Session(profile_name="dev").client("sts", region_name="eu-north-1").get_caller_identity()["Arn"])`,
            ),
          };
        default:
          return {
            kind,
            run: await runChild(AWS_CLI, ["sts", "get-caller-identity", "--profile", "admin"], env, {
              timeoutMs: 200_000,
            }),
          };
      }
    });
    const t0 = performance.now();
    const results = await pool(40, tasks);
    const wall = performance.now() - t0;
    watching = false;
    await watcher;

    const failures = results.filter((r) => r.run.code !== 0);
    const porticoFailures = failures.filter((r) => r.kind === "edit" || r.kind === "credential-process");
    const worst = Math.max(
      ...results.filter((r) => r.kind !== "boto3" && r.kind !== "aws-cli").map((r) => r.run.ms),
    );
    const edits = parseConfigText(await fs.readFile(path.join(awsDir, "config"), "utf8")).raw.get(
      "profile edits",
    )!;
    const lost = results.filter((r) => r.kind === "edit" && r.run.code === 0 && !edits.has(r.key!));
    const tok = parseToken(await fs.readFile(tokenPath(), "utf8"));
    const rtValid =
      tok.status === "ok" &&
      tok.token.refreshToken !== undefined &&
      emu.store.state.refreshTokens[sha256(tok.token.refreshToken)] !== undefined;
    console.log(
      `contention: ${results.length} processes (60 portico edits, 120 portico credential-process, 10 boto3, 10 AWS CLI; 40 at a time) in ${Math.round(wall / 1000)} s: ` +
        `${porticoFailures.length} portico failures, ${failures.length - porticoFailures.length} boto3/CLI failures, ${lost.length} lost edits, ${torn} torn reads of ${reads}, ` +
        `worst portico run ${Math.round(worst)} ms, refresh token valid: ${rtValid}`,
    );
    expect(porticoFailures.map((f) => `${f.kind}: ${f.run.stderr}`)).toEqual([]);
    expect(failures.map((f) => `${f.kind}: ${f.run.stderr.slice(-300)}`)).toEqual([]);
    expect(lost).toEqual([]);
    expect(edits.size).toBe(61);
    expect(torn).toBe(0);
    expect(rtValid).toBe(true);
    expect((await fs.readdir(awsDir)).filter((n) => n.endsWith(".tmp") || n.endsWith(".lock"))).toEqual([]);
  });

  it("read-only commands and cache hits take no lock: they finish while every lock is held", {
    timeout: 60_000,
  }, async () => {
    // Warm the role-credential cache for dev.
    expect((await portico(["credential-process", "--profile", "dev"], env)).code).toBe(0);
    const roleCache = roleCacheFile(
      path.join(awsDir, "cli", "cache"),
      roleCacheKey({ accountId: "333333333333", roleName: "PowerUserAccess", sessionName: "acme" }),
    );
    const held = [path.join(awsDir, "config"), path.join(awsDir, "credentials"), tokenPath(), roleCache];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const holding = held.map((f) => withFileLock(f, () => gate, { heartbeatMs: 100 }));
    try {
      await new Promise((r) => setTimeout(r, 100));
      const runs = await Promise.all([
        portico(["profiles"], env, { timeoutMs: 20_000 }),
        portico(["config", "get", "region", "--profile", "dev"], env, { timeoutMs: 20_000 }),
        portico(["credential-process", "--profile", "dev"], env, { timeoutMs: 20_000 }),
        portico(["whoami", "--profile", "dev"], env, { timeoutMs: 20_000 }),
        portico(["credentials", "--profile", "dev", "--format", "env"], env, { timeoutMs: 20_000 }),
      ]);
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
    } finally {
      release();
      await Promise.all(holding);
    }
  });
});
