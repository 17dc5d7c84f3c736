/**
 * Every `docs/reference.md §N` (and, until they are rewritten, `docs/reference.md §N`) cited in the
 * code and docs names a section of docs/reference.md — `§10.N` an item of the emulator checklist.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const reference = readFileSync(path.join(ROOT, "docs", "reference.md"), "utf8");

function files(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "fixtures" ? [] : files(rel);
    return /\.(ts|mjs|md|py)$/.test(e.name) ? [rel] : [];
  });
}

describe("docs/reference.md", () => {
  const headings = new Set(
    [...reference.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\. /gm), ...reference.matchAll(/^### (\d+\.\d+) /gm)].map(
      (m) => m[1]!,
    ),
  );
  const section10 = reference.slice(reference.indexOf("## 10. "));
  const checklist = new Set([...section10.matchAll(/^(\d+)\. \*\*/gm)].map((m) => `10.${m[1]}`));

  it("has the sections §1 … §10 with their subsections", () => {
    for (const s of ["1", "1.1", "1.7", "2.4", "3.5", "4", "5", "6", "7.2", "8.5", "9.5", "10"])
      expect(headings.has(s), s).toBe(true);
    expect(checklist.size).toBe(10);
  });

  it("every cited section exists", () => {
    const missing: string[] = [];
    for (const file of ["src", "emulator", "test", "scripts", "bench", "docs"].flatMap(files)) {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      for (const m of text.matchAll(/(?:aws-)?reference\.md §(\d+(?:\.\d+)?)/g)) {
        const s = m[1]!;
        if (!headings.has(s) && !checklist.has(s)) missing.push(`${file}: §${s}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
