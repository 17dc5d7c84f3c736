/**
 * Installing the shell integration into the user's rc file (docs/switching.md "Installing it"):
 * `portico shell-init SHELL --install` and `portico setup --shell`. One line (`eval "$(portico
 * shell-init bash)"` or its fish/PowerShell form) between two marker comments:
 *
 *   # >>> portico shell integration (portico shell-init bash --install) >>>
 *   command -v portico >/dev/null 2>&1 && eval "$(portico shell-init bash)"
 *   # <<< portico shell integration <<<
 *
 * Idempotent (a second run finds the block and leaves the file byte-identical, unwritten), lossless
 * (the bytes are handled as latin1 so every byte outside the block survives as it was, whatever its
 * encoding; the block uses the file's own line break), never duplicated (a hand-written
 * `portico shell-init` line outside the block counts as installed), atomic under a lock, links
 * followed like the config (src/platform/files.ts). The planning is pure (`planRcInstall`).
 */
import * as path from "node:path";
import { ExitCode, PorticoError, usageError } from "../errors";
import { ensureDir, environmentError, resolveWriteTarget, writeFileAtomic } from "../platform/files";
import { withFileLock } from "../platform/lock";
import { readRegularFile } from "../platform/regular-file";
import { checkFunctionName } from "./init";
import { isShell, quote, SHELLS, type Shell } from "./quote";

export { SHELLS };

const BEGIN = "# >>> portico shell integration";
const END = "# <<< portico shell integration <<<";

/** The shell the user runs, from $SHELL's basename (pure); undefined when it is none of ours. */
export function shellFromEnv(env: NodeJS.ProcessEnv): Shell | undefined {
  const base = path.basename(env["SHELL"] ?? "").replace(/\.exe$/i, "");
  if (base === "bash" || base === "zsh" || base === "fish" || base === "pwsh") return base;
  if (base === "powershell") return "pwsh";
  return undefined;
}

/**
 * The rc file each shell reads at the start of every interactive shell (pure): bash `~/.bashrc`, zsh
 * `${ZDOTDIR:-$HOME}/.zshrc`, fish `${XDG_CONFIG_HOME:-~/.config}/fish/conf.d/portico.fish` (a
 * conf.d snippet of its own), PowerShell's CurrentUserCurrentHost profile
 * (`${XDG_CONFIG_HOME:-~/.config}/powershell/Microsoft.PowerShell_profile.ps1`; on Windows
 * `Documents\PowerShell\…`).
 */
export function rcFileFor(shell: Shell, env: NodeJS.ProcessEnv, platform = process.platform): string {
  const home = env["HOME"] || env["USERPROFILE"];
  if (!home)
    throw new PorticoError("shell_rc_unknown", "Cannot tell where your home folder is (HOME is not set)", {
      exitCode: ExitCode.config,
      hint: "set HOME, or add the line yourself (portico shell-init --help)",
    });
  const xdg =
    env["XDG_CONFIG_HOME"] && path.isAbsolute(env["XDG_CONFIG_HOME"]) ? env["XDG_CONFIG_HOME"] : undefined;
  switch (shell) {
    case "bash":
      return path.join(home, ".bashrc");
    case "zsh":
      return path.join(env["ZDOTDIR"] || home, ".zshrc");
    case "fish":
      return path.join(xdg ?? path.join(home, ".config"), "fish", "conf.d", "portico.fish");
    case "pwsh":
      return platform === "win32"
        ? path.join(home, "Documents", "PowerShell", "Microsoft.PowerShell_profile.ps1")
        : path.join(xdg ?? path.join(home, ".config"), "powershell", "Microsoft.PowerShell_profile.ps1");
  }
}

/** The one line that loads the integration, guarded so a shell without portico on PATH starts quietly (pure). */
export function initLine(shell: Shell, name = "pc"): string {
  checkFunctionName(name);
  const args = `shell-init ${shell}${name === "pc" ? "" : ` --name ${name}`}`;
  switch (shell) {
    case "bash":
    case "zsh":
      return `command -v portico >/dev/null 2>&1 && eval "$(portico ${args})"`;
    case "fish":
      return `command -q portico; and portico ${args} | source`;
    case "pwsh":
      return `if (Get-Command portico -ErrorAction SilentlyContinue) { portico ${args} | Out-String | Invoke-Expression }`;
  }
}

/** The command that installs it (for hints and setup's "next" lines). */
export const installCommand = (shell: Shell, name = "pc"): string =>
  `portico shell-init ${shell} --install${name === "pc" ? "" : ` --name ${name}`}`;

export type RcPlan =
  | { kind: "add" | "update"; text: string; line: number }
  | { kind: "unchanged"; line: number }
  | { kind: "present"; line: number };

/** 1-based line of character offset `at` in `text`. */
const lineOf = (text: string, at: number): number => {
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < at; i = text.indexOf("\n", i + 1)) n++;
  return n;
};

/**
 * What installing does to the rc file's text (latin1, one char per byte; undefined = no file), pure:
 * - our block present: its body replaced by the current line (`update`), or nothing (`unchanged`);
 * - a hand-written line running `portico shell-init SHELL` outside any block: nothing (`present`);
 * - otherwise the block appended (`add`), after a line break if the last line has none (and after a
 *   blank line when the file does not already end with one); every byte before it kept.
 * Two begin markers, or one without its end, is `shell_rc_block_broken` (nothing written).
 */
export function planRcInstall(text: string | undefined, shell: Shell, name = "pc"): RcPlan {
  const src = text ?? "";
  const eol = /\r\n/.test(src) ? "\r\n" : "\n";
  const line = initLine(shell, name);
  const block = `${BEGIN} (${installCommand(shell, name)}) >>>${eol}${line}${eol}${END}${eol}`;
  const lines = src.split("\n");
  const begins: number[] = [];
  const ends: number[] = [];
  lines.forEach((l, i) => {
    const t = l.replace(/\r$/, "");
    if (t.startsWith(BEGIN) && t.endsWith(">>>")) begins.push(i);
    else if (t === END) ends.push(i);
  });
  if (
    begins.length > 1 ||
    ends.length > 1 ||
    begins.length !== ends.length ||
    (begins[0] ?? 0) > (ends[0] ?? 0)
  )
    throw new PorticoError(
      "shell_rc_block_broken",
      `The portico block in the rc file is broken (${begins.length} start and ${ends.length} end markers); nothing was changed`,
      {
        exitCode: ExitCode.config,
        hint: `remove the lines between "${BEGIN} … >>>" and "${END}" (and the markers), then run: ${installCommand(shell, name)}`,
      },
    );
  if (begins.length === 1) {
    const b = begins[0]!;
    const e = ends[0]!;
    const before = lines.slice(0, b).join("\n");
    const start = b === 0 ? 0 : before.length + 1;
    const endAt = lines.slice(0, e + 1).join("\n").length;
    // The block ends at the end marker's line break (if any).
    const stop = src[endAt] === "\n" ? endAt + 1 : endAt;
    const current = src.slice(start, stop);
    const wanted = src[endAt] === "\n" ? block : block.slice(0, -eol.length);
    if (current === wanted) return { kind: "unchanged", line: b + 1 };
    return { kind: "update", text: src.slice(0, start) + wanted + src.slice(stop), line: b + 1 };
  }
  const own = handWrittenLine(src, shell);
  if (own !== undefined) return { kind: "present", line: own };
  let lead = "";
  if (src !== "") {
    if (!src.endsWith("\n")) lead = eol + eol;
    else if (!src.endsWith(`${eol}${eol}`) && src !== eol) lead = eol;
  }
  return { kind: "add", text: src + lead + block, line: lineOf(src + lead, src.length + lead.length) };
}

/** The 1-based line of a (not commented-out) `portico shell-init SHELL` in `text`, if any (pure). */
export function handWrittenLine(text: string, shell: Shell): number | undefined {
  const own = new RegExp(`portico\\s+shell-init\\s+${shell}\\b`);
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trimStart();
    if (!t.startsWith("#") && own.test(t)) return i + 1;
  }
  return undefined;
}

/**
 * Other files the shell reads where a person may already have written the line by hand (fish:
 * config.fish, which the conf.d snippet would duplicate).
 */
function otherRcFiles(shell: Shell, file: string): string[] {
  if (shell !== "fish") return [];
  const main = path.join(path.dirname(path.dirname(file)), "config.fish");
  return main === file ? [] : [main];
}

export interface RcInstallResult {
  shell: Shell;
  file: string;
  /** The real file written (links resolved), when written. */
  written?: string;
  result: "added" | "updated" | "unchanged" | "present";
  /** 1-based line of the block (or of the hand-written line). */
  line: number;
}

/** Install the integration for `shell` into `file` (default: its rc file). */
export async function installShellIntegration(
  shell: Shell,
  env: NodeJS.ProcessEnv,
  opts: { name?: string; file?: string } = {},
): Promise<RcInstallResult> {
  if (!isShell(shell))
    throw usageError(`Unknown shell ${JSON.stringify(shell)}`, "portico shell-init bash --install");
  const name = checkFunctionName(opts.name ?? "pc");
  const file = opts.file ?? rcFileFor(shell, env);
  if (opts.file === undefined)
    for (const other of otherRcFiles(shell, file)) {
      let text: string | undefined;
      try {
        text = (await readRegularFile(other))?.toString("latin1");
      } catch {
        text = undefined;
      }
      const line = text === undefined ? undefined : handWrittenLine(text, shell);
      if (line !== undefined) return { shell, file: other, result: "present", line };
    }
  const dirMode = 0o755;
  // The rc file's folder (fish's conf.d, PowerShell's profile folder) may not exist yet: 0755, as the
  // shells make them.
  await ensureDir(path.dirname(await resolveWriteTarget(file)), dirMode);
  return withFileLock(file, async () => {
    let bytes: Buffer | undefined;
    try {
      bytes = await readRegularFile(file);
    } catch (e) {
      throw environmentError(e, file, "read") ?? e;
    }
    const plan = planRcInstall(bytes?.toString("latin1"), shell, name);
    if (plan.kind === "unchanged" || plan.kind === "present")
      return { shell, file, result: plan.kind, line: plan.line };
    const written = await writeFileAtomic(file, Buffer.from(plan.text, "latin1"), { mode: 0o644, dirMode });
    return { shell, file, written, result: plan.kind === "add" ? "added" : "updated", line: plan.line };
  });
}

/** `file` with the home folder shown as `~` (for messages; pure). */
export function tildePath(file: string, env: NodeJS.ProcessEnv): string {
  const home = env["HOME"] || env["USERPROFILE"];
  return home && (file === home || file.startsWith(home + path.sep)) ? `~${file.slice(home.length)}` : file;
}

/** The line a person reads about an install (pure). */
export function describeInstall(r: RcInstallResult, env: NodeJS.ProcessEnv = {}): string {
  const where = `${tildePath(r.file, env)}${r.written && r.written !== r.file ? ` (→ ${r.written})` : ""}`;
  switch (r.result) {
    case "added":
      return `Added the portico shell integration to ${where} (line ${r.line}). Open a new terminal (or ${reloadHint(r)}), then: pc PROFILE`;
    case "updated":
      return `Updated the portico shell integration in ${where} (line ${r.line}). Open a new terminal (or ${reloadHint(r)}).`;
    case "unchanged":
      return `The portico shell integration is already in ${where} (line ${r.line}); nothing changed.`;
    case "present":
      return `${where} already runs portico shell-init (line ${r.line}); nothing changed.`;
  }
}

function reloadHint(r: RcInstallResult): string {
  return `${r.shell === "pwsh" ? "." : "source"} ${quote(r.shell, r.file)}`;
}
