/**
 * Every *.test.ts file belongs to exactly one Vitest project (test/helpers/tiers.ts), as Vitest itself
 * resolves the projects: a file no project includes would never run, a file in two would run twice.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BROWSER_TESTS, INTEROP_TESTS, TIERS, UNIT_TESTS } from "./helpers/tiers";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) out.push(...testFiles(rel));
    else if (e.name.endsWith(".test.ts")) out.push(rel);
  }
  return out;
}

function vitestList(): Promise<{ file: string; projectName: string }[]> {
  const vitest = path.join(ROOT, "node_modules", "vitest", "vitest.mjs");
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [vitest, "list", "--filesOnly", "--json"],
      { cwd: ROOT, env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`vitest list failed: ${stderr}`));
        const start = stdout.indexOf("[");
        resolve(JSON.parse(stdout.slice(start)));
      },
    ),
  );
}

describe("test tiers", () => {
  it("every test file is in exactly one project", async () => {
    const onDisk = ["src", "emulator", "test"].flatMap((d) => testFiles(d)).sort();
    const listed = await vitestList();
    const projects = new Map<string, string[]>();
    for (const { file, projectName } of listed) {
      const rel = path.relative(ROOT, file).split(path.sep).join("/");
      projects.set(rel, [...(projects.get(rel) ?? []), projectName]);
    }
    const wrong = onDisk.filter((f) => projects.get(f)?.length !== 1).map((f) => [f, projects.get(f) ?? []]);
    expect(wrong).toEqual([]);
    expect([...projects.keys()].sort()).toEqual(onDisk);
    expect(new Set([...projects.values()].flat())).toEqual(new Set(TIERS));
  });

  it("the tier lists name files that exist (no stale entries)", () => {
    const stale = [...UNIT_TESTS, ...INTEROP_TESTS, ...BROWSER_TESTS].filter(
      (p) => !p.includes("*") && !existsSync(path.join(ROOT, p)),
    );
    expect(stale).toEqual([]);
  });
});
