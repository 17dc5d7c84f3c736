/**
 * Quoting for the four shells `portico use --print-env` and `portico shell-init` speak (pure).
 * Every value is emitted as one single-quoted word, the one form each shell reads literally:
 * - bash / zsh (POSIX): inside '…' nothing is special; a ' is written '\'' (close, escaped quote, reopen).
 * - fish: inside '…' only \' and \\ are escapes.
 * - PowerShell: inside '…' a quote is doubled; PowerShell also takes the typographic single quotes
 *   U+2018–U+201B as quote characters, so those are doubled too.
 * Newlines are literal inside single quotes in all four. NUL cannot be in an environment variable:
 * refused.
 */
import { usageError } from "../errors";

export const SHELLS = ["bash", "zsh", "fish", "pwsh"] as const;
export type Shell = (typeof SHELLS)[number];

export const isShell = (s: string): s is Shell => (SHELLS as readonly string[]).includes(s);

/** The one-word, literal form of `value` in `shell`. */
export function quote(shell: Shell, value: string): string {
  if (value.includes("\0")) throw usageError("A value for the shell contains a NUL character");
  switch (shell) {
    case "bash":
    case "zsh":
      return `'${value.replace(/'/g, `'\\''`)}'`;
    case "fish":
      return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
    case "pwsh":
      return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (c) => c + c)}'`;
  }
}

/** Environment variable names portico ever sets: plain identifiers, never quoted. */
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkName(name: string): string {
  if (!NAME_RE.test(name)) throw usageError(`Not a variable name: ${JSON.stringify(name)}`);
  return name;
}

/** A statement that sets and exports NAME to VALUE in `shell`. */
export function setStatement(shell: Shell, name: string, value: string): string {
  checkName(name);
  switch (shell) {
    case "bash":
    case "zsh":
      return `export ${name}=${quote(shell, value)}`;
    case "fish":
      return `set -gx -- ${name} ${quote(shell, value)}`;
    case "pwsh":
      return `$env:${name} = ${quote(shell, value)}`;
  }
}

/** A statement that removes NAME from the environment in `shell` (no error when it is not set). */
export function unsetStatement(shell: Shell, name: string): string {
  checkName(name);
  switch (shell) {
    case "bash":
    case "zsh":
      return `unset ${name}`;
    case "fish":
      return `set -e -g ${name}`;
    case "pwsh":
      return `Remove-Item -LiteralPath Env:${name} -ErrorAction SilentlyContinue`;
  }
}
