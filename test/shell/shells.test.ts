/**
 * The shell integration for real: bash, zsh and fish start, evaluate `portico shell-init`, switch with
 * `pc`, run the real AWS CLI v2 (/usr/bin/aws) against the emulator, switch back (`pc -`), export keys
 * (`pc --export`), and `pc --unset`. The prompt helper and the re-export check start no process when
 * nothing is due: counted with strace (execve, clone, fork, vfork) between two marker files.
 */
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { demoConfig, deviceSignIn, writeConfig } from "../credentials/support";
import { awsClientEnv } from "../helpers/aws-clients";
import { tempHome } from "../helpers/emulator";
import { porticoBin, run } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  await writeConfig(home.home, demoConfig());
  const base = await awsClientEnv(home.home, emu.url);
  const bin = await porticoBin(path.join(home.home, "bin"));
  env = { ...base, PATH: `${bin}:${base["PATH"]}`, NO_COLOR: "1" };
  await deviceSignIn(env, "acme");
}, 60_000);

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

const POSIX_SCRIPT = (shell: string) => `
eval "$(portico shell-init ${shell})" || exit 10
export AWS_ACCESS_KEY_ID=AKIASTALE AWS_SECRET_ACCESS_KEY=stale
pc dev || exit 11
echo "1:$AWS_PROFILE:$AWS_REGION:\${AWS_ACCESS_KEY_ID-none}"
/usr/bin/aws sts get-caller-identity --query Arn --output text || exit 12
pc admin || exit 13
echo "2:$AWS_PROFILE:$AWS_REGION:$PORTICO_PREVIOUS"
/usr/bin/aws sts get-caller-identity --query Arn --output text || exit 14
pc - || exit 15
echo "3:$AWS_PROFILE"
pc --export admin || exit 16
echo "4:\${AWS_PROFILE-none}:\${AWS_ACCESS_KEY_ID:+keys}:\${AWS_CREDENTIAL_EXPIRATION:+exp}"
/usr/bin/aws sts get-caller-identity --query Arn --output text || exit 17
echo "P:$(portico_prompt)"
pc --unset || exit 18
echo "5:\${AWS_PROFILE-none}:\${AWS_ACCESS_KEY_ID-none}:\${AWS_REGION-none}:\${PORTICO_PROFILE-none}:$PORTICO_PREVIOUS"
pc nope; echo "6:$?:\${AWS_PROFILE-none}"
`;

const FISH_SCRIPT = `
portico shell-init fish | source; or exit 10
set -gx AWS_ACCESS_KEY_ID AKIASTALE
set -gx AWS_SECRET_ACCESS_KEY stale
pc dev; or exit 11
set -q AWS_ACCESS_KEY_ID; and set k $AWS_ACCESS_KEY_ID; or set k none
echo "1:$AWS_PROFILE:$AWS_REGION:$k"
/usr/bin/aws sts get-caller-identity --query Arn --output text; or exit 12
pc admin; or exit 13
echo "2:$AWS_PROFILE:$AWS_REGION:$PORTICO_PREVIOUS"
/usr/bin/aws sts get-caller-identity --query Arn --output text; or exit 14
pc -; or exit 15
echo "3:$AWS_PROFILE"
pc --export admin; or exit 16
set -q AWS_PROFILE; and set p $AWS_PROFILE; or set p none
echo "4:$p:"(test -n "$AWS_ACCESS_KEY_ID"; and echo keys)":"(test -n "$AWS_CREDENTIAL_EXPIRATION"; and echo exp)
/usr/bin/aws sts get-caller-identity --query Arn --output text; or exit 17
echo "P:"(portico_prompt)
pc --unset; or exit 18
echo "5:"(set -q AWS_PROFILE; and echo set; or echo none)":"(set -q AWS_ACCESS_KEY_ID; and echo set; or echo none)":"(set -q AWS_REGION; and echo set; or echo none)":"(set -q PORTICO_PROFILE; and echo set; or echo none)":$PORTICO_PREVIOUS"
pc nope; set rc $status; echo "6:$rc:"(set -q AWS_PROFILE; and echo set; or echo none)
`;

function shellArgs(shell: "bash" | "zsh" | "fish", script: string): string[] {
  if (shell === "bash") return ["--norc", "--noprofile", "-c", script];
  if (shell === "zsh") return ["-f", "-c", script];
  return ["--no-config", "-c", script];
}

describe.each(["bash", "zsh", "fish"] as const)("%s", (shell) => {
  it("pc PROFILE / pc - / pc --export / pc --unset, with the real AWS CLI in between", async () => {
    const r = await run(shell, shellArgs(shell, shell === "fish" ? FISH_SCRIPT : POSIX_SCRIPT(shell)), env, {
      timeoutMs: 120_000,
    });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const lines = r.stdout.trim().split("\n");
    const arns = lines.filter((l) => l.startsWith("arn:"));
    const tagged = Object.fromEntries(
      lines.filter((l) => /^[0-9P]:/.test(l)).map((l) => [l.slice(0, 1), l.slice(2)]),
    );
    expect(tagged["1"]).toBe("dev:eu-north-1:none");
    expect(arns[0]).toMatch(/^arn:aws:sts::333333333333:assumed-role\/AWSReservedSSO_PowerUserAccess_/);
    expect(tagged["2"]).toBe("admin:us-east-1:dev");
    expect(arns[1]).toMatch(/^arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_AdministratorAccess_/);
    expect(tagged["3"]).toBe("dev");
    expect(tagged["4"]).toBe("none:keys:exp");
    expect(arns[2]).toMatch(/^arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_AdministratorAccess_/);
    expect(tagged["P"]).toMatch(/^admin \d+(h\d+)?m$/);
    expect(tagged["5"]).toBe("none:none:none:none:admin");
    expect(tagged["6"]).toMatch(/^[1-9]\d*:none$/);
    expect(r.stderr).toContain("The config profile (nope) could not be found");
  }, 120_000);
});

/** execve/clone/fork/vfork calls between the openat() of two marker files, in an strace -f log. */
function processesBetweenMarkers(log: string): string[] {
  const lines = log.split("\n");
  const start = lines.findIndex((l) => l.includes("portico-mark-start"));
  const end = lines.findIndex((l) => l.includes("portico-mark-end"));
  if (start < 0 || end < 0 || end < start)
    throw new Error(`markers not found in strace log:\n${log.slice(0, 2000)}`);
  return lines.slice(start + 1, end).filter((l) => /\b(execve|clone3?|v?fork)\(/.test(l));
}

const STRACE_PROMPT: Record<"bash" | "zsh" | "fish", (init: string, marks: string) => string> = {
  bash: (init, m) => `source ${init}
export PORTICO_PROFILE=dev PORTICO_PROMPT_NAME=dev PORTICO_MODE=export PORTICO_EXPIRES=$(( EPOCHSECONDS + 300 )) PORTICO_REFRESH_AT=$(( EPOCHSECONDS + 3000 ))
PS1='\${PORTICO_PROMPT:+[$PORTICO_PROMPT] }$ '
: > ${m}/portico-mark-start
for i in 1 2 3; do __portico_hook; shown="\${PS1@P}"; done
: > ${m}/portico-mark-end
printf '%s\\n' "$shown"`,
  zsh: (init, m) => `source ${init}
export PORTICO_PROFILE=dev PORTICO_PROMPT_NAME=dev PORTICO_MODE=export PORTICO_EXPIRES=$(( EPOCHSECONDS + 300 )) PORTICO_REFRESH_AT=$(( EPOCHSECONDS + 3000 ))
setopt PROMPT_SUBST
PROMPT='\${PORTICO_PROMPT:+[$PORTICO_PROMPT] }%# '
: > ${m}/portico-mark-start
for i in 1 2 3; do __portico_hook; shown=\${(%%)PROMPT}; done
: > ${m}/portico-mark-end
print -r -- "$shown"`,
  fish: (init, m) => `source ${init}
set -gx PORTICO_BOOT (math --scale=0 (date +%s) - (string split ' ' < /proc/uptime)[1])
set -gx PORTICO_PROFILE dev; set -gx PORTICO_PROMPT_NAME dev; set -gx PORTICO_MODE export
set -gx PORTICO_EXPIRES (math (date +%s) + 300); set -gx PORTICO_REFRESH_AT (math (date +%s) + 3000)
true > ${m}/portico-mark-start
for i in 1 2 3; emit fish_prompt; set shown (portico_prompt); end
true > ${m}/portico-mark-end
echo $shown`,
};

describe("the prompt helper starts no process (strace -f)", () => {
  it.each(["bash", "zsh", "fish"] as const)(
    "%s: hook + prompt three times, 0 execve/clone/fork",
    async (shell) => {
      const dir = path.join(home.home, `strace-${shell}`);
      execFileSync("mkdir", ["-p", dir]);
      const init = path.join(dir, "init");
      const initRun = await run(path.join(home.home, "bin", "portico"), ["shell-init", shell], env);
      expect(initRun.code, initRun.stderr).toBe(0);
      await import("node:fs/promises").then((fs) => fs.writeFile(init, initRun.stdout));
      const logFile = path.join(dir, "strace.log");
      const script = STRACE_PROMPT[shell](init, dir);
      const r = await run(
        "strace",
        [
          "-f",
          "-qq",
          "-o",
          logFile,
          "-e",
          "trace=execve,clone,clone3,fork,vfork,openat",
          shell,
          ...shellArgs(shell, script),
        ],
        { ...env, NO_COLOR: "" },
        { timeoutMs: 60_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/dev [45]m/); // under 10 minutes: coloured
      expect(r.stdout).toContain("\x1b[33m");
      expect(processesBetweenMarkers(await readFile(logFile, "utf8"))).toEqual([]);
    },
    60_000,
  );

  it("the check can fail: a due re-export is seen as processes", async () => {
    const dir = path.join(home.home, "strace-due");
    execFileSync("mkdir", ["-p", dir]);
    const initRun = await run(path.join(home.home, "bin", "portico"), ["shell-init", "bash"], env);
    const init = path.join(dir, "init");
    await import("node:fs/promises").then((fs) => fs.writeFile(init, initRun.stdout));
    const script = STRACE_PROMPT.bash(init, dir).replace(
      "PORTICO_REFRESH_AT=$(( EPOCHSECONDS + 3000 ))",
      "PORTICO_REFRESH_AT=1",
    );
    const logFile = path.join(dir, "strace.log");
    const r = await run(
      "strace",
      [
        "-f",
        "-qq",
        "-o",
        logFile,
        "-e",
        "trace=execve,clone,clone3,fork,vfork,openat",
        "bash",
        ...shellArgs("bash", script),
      ],
      env,
      { timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(processesBetweenMarkers(await readFile(logFile, "utf8")).length).toBeGreaterThan(0);
  }, 60_000);
});
