/** stdout carries data only; everything meant for people goes to stderr. */
import { terminalSafe } from "../platform/terminal";
import type { CliContext } from "./context";

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(ctx: CliContext, line = ""): void {
  ctx.stdout.write(`${line}\n`);
}

/** A message for people on stderr; control and bidi characters from servers shown escaped (src/platform/terminal.ts). */
export function info(ctx: CliContext, line = ""): void {
  ctx.stderr.write(`${terminalSafe(line, { newlines: true })}\n`);
}

/** A failure for people: `portico: MESSAGE` and `hint: HINT` on stderr (the two lines of docs/errors.md). */
export function errorLines(ctx: CliContext, message: string, hint?: string): void {
  ctx.stderr.write(`portico: ${terminalSafe(message, { newlines: true })}\n`);
  if (hint) ctx.stderr.write(`hint: ${terminalSafe(hint, { newlines: true })}\n`);
}

export function warn(ctx: CliContext, line: string): void {
  ctx.stderr.write(
    `${ctx.color ? "\x1b[33mwarning\x1b[0m" : "warning"}: ${terminalSafe(line, { newlines: true })}\n`,
  );
}

/** Render rows as an aligned text table (no colours, no truncation; cells made terminal-safe). */
export function table(input: string[][]): string {
  const rows = input.map((row) => row.map((cell) => terminalSafe(cell)));
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
