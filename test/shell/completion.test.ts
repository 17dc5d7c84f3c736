/**
 * `portico completion`: the scripts run in the real shells — bash through its completion function with
 * COMP_WORDS/COMP_CWORD (as readline calls it, filtered by compgen), zsh through `_portico` with a
 * recording `compadd`, fish through `complete -C` (fish's own completion query) — completing commands,
 * sub-commands, flags (from the commander program) and profile / sso-session names from the config;
 * and in a pseudo-terminal, TAB through bash's readline and zsh's compinit.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoConfig, writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";
import { porticoBin, ROOT, run } from "./support";

let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  home = await tempHome();
  await writeConfig(home.home, demoConfig());
  const bin = await porticoBin(path.join(home.home, "bin"));
  env = { HOME: home.home, PATH: `${bin}:${process.env["PATH"]}`, LANG: "C.UTF-8" };
});

afterAll(async () => {
  await home?.cleanup();
});

async function bashComplete(line: string[]): Promise<string[]> {
  const words = line.map((w) => `'${w}'`).join(" ");
  const r = await run(
    "bash",
    [
      "--norc",
      "--noprofile",
      "-c",
      `eval "$(portico completion bash)" || exit 9\nCOMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; _portico_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    env,
  );
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.split("\n").filter(Boolean);
}

describe("bash", () => {
  it("commands, sub-commands and flags", async () => {
    expect(await bashComplete(["portico", "us"])).toEqual(["use"]);
    expect(await bashComplete(["portico", "config", "s"])).toEqual(["show", "set"]);
    expect(await bashComplete(["portico", "console", "--dest"])).toEqual(["--destination"]);
    expect(await bashComplete(["portico", "use", "--sh"])).toEqual(["--shell"]);
  }, 30_000);
  it("profile and sso-session names from the config", async () => {
    expect(await bashComplete(["portico", "whoami", "--profile", "d"])).toEqual(["dev"]);
    expect((await bashComplete(["portico", "use", ""])).sort()).toEqual([
      "admin",
      "dev",
      "forbidden",
      "legacy",
    ]);
    expect(await bashComplete(["portico", "login", "--sso-session", ""])).toEqual(["acme"]);
  }, 30_000);
});

describe("zsh", () => {
  async function zshComplete(line: string[]): Promise<string[]> {
    const words = line.map((w) => `'${w}'`).join(" ");
    const r = await run(
      "zsh",
      [
        "-f",
        "-c",
        `eval "$(portico completion zsh)" || exit 9
typeset -ga got
compadd() { [[ $1 == -- ]] && shift; got+=("$@"); }
words=(${words}); CURRENT=${line.length}
_portico
for w in $got; do [[ $w == \${words[CURRENT]}* ]] && print -r -- $w; done; true`,
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.split("\n").filter(Boolean);
  }
  it("commands, flags and profile names", async () => {
    expect(await zshComplete(["portico", "sta"])).toEqual(["status"]);
    expect(await zshComplete(["portico", "serve", "--p"])).toEqual(["--profile", "--port"]);
    expect(await zshComplete(["portico", "console", "--profile", "a"])).toEqual(["admin"]);
    expect(await zshComplete(["portico", "use", "l"])).toEqual(["legacy"]);
  }, 30_000);
});

describe("fish", () => {
  async function fishComplete(line: string): Promise<string[]> {
    const r = await run(
      "fish",
      ["--no-config", "-c", `portico completion fish | source; complete -C ${JSON.stringify(line)}`],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    return r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("\t")[0]!);
  }
  it("commands, flags and profile names", async () => {
    expect(await fishComplete("portico shell-")).toEqual(["shell-init"]);
    expect(await fishComplete("portico status --j")).toEqual(["--json"]);
    expect((await fishComplete("portico whoami --profile ")).sort()).toEqual([
      "admin",
      "dev",
      "forbidden",
      "legacy",
    ]);
  }, 30_000);
});

describe("through the line editor, in a pseudo-terminal (TAB as a person presses it)", () => {
  // python3's pty driver (test/sso/fixtures): bash's readline with the script loaded, and zsh's own
  // completion system (compinit) — not the completion function called by hand as above.
  const DRIVER = path.join(ROOT, "test", "sso", "fixtures", "pty-drive.py");
  function drive(steps: [string, string][], argv: string[]): Promise<{ code: number; screen: string }> {
    return new Promise((resolve) =>
      execFile(
        "python3",
        [DRIVER, JSON.stringify(steps), ...argv],
        { env: { ...env, TERM: "xterm", INPUTRC: "/dev/null" }, timeout: 60_000 },
        (err, screen) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, screen }),
      ),
    );
  }
  const KILL_LINE = "\u0015";
  const steps = (load: string): [string, string][] => [
    ["[#$%] $", `${load}; PS1='READY> '\r`],
    ["READY> ", "portico sta\t"],
    ["portico status ", `${KILL_LINE}portico whoami --profile ad\t`],
    ["--profile admin ", `${KILL_LINE}portico shell-init bash --ins\t`],
    ["--install ", `${KILL_LINE}exit\r`],
  ];
  it("bash (readline)", async () => {
    const r = await drive(steps('eval "$(portico completion bash)"'), [
      "bash",
      "--norc",
      "--noprofile",
      "-i",
    ]);
    expect(r.code, r.screen).toBe(0);
  }, 60_000);
  it("zsh (compinit)", async () => {
    const r = await drive(steps('autoload -U compinit; compinit -u; eval "$(portico completion zsh)"'), [
      "zsh",
      "-f",
      "-i",
    ]);
    expect(r.code, r.screen).toBe(0);
  }, 60_000);
});
