/** stdout carries data only; everything meant for people goes to stderr. */
import type { CliContext } from "./context";

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(ctx: CliContext, line = ""): void {
  ctx.stdout.write(`${line}\n`);
}

export function info(ctx: CliContext, line = ""): void {
  ctx.stderr.write(`${line}\n`);
}

export function warn(ctx: CliContext, line: string): void {
  ctx.stderr.write(`${ctx.color ? "\x1b[33mwarning\x1b[0m" : "warning"}: ${line}\n`);
}

/** Render rows as an aligned text table (no colours, no truncation). */
export function table(rows: string[][]): string {
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
