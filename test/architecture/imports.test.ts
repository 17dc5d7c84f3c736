/**
 * The import rules (docs/architecture.md "Allowed imports"), read from the import statements of every
 * module in src/ and emulator/ (static `import … from`, `export … from`, side-effect `import "…"` and
 * dynamic `import("…")`; test files excluded):
 * 1. the client and the emulator meet only on the wire: src/ never imports emulator/ — except the
 *    `portico emulator` command starting it — and emulator/ never imports src/ — except the one shared
 *    dependency-free atomic-write module, src/platform/atomic-file.ts, from emulator/persist.ts;
 * 2. src/errors.ts imports nothing; src/platform imports only src/platform and src/errors.ts;
 * 3. src/config imports only src/config, src/platform and src/errors.ts;
 * 4. src/sso never imports src/credentials (credentials builds on sso; the portal API both use lives
 *    in its own folder);
 * 5. only src/cli imports src/cli;
 * 6. no cycle between the top-level areas of src/ (src/<folder>, src/errors.ts, src/index.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The only src/ ↔ emulator/ edges allowed (rule 1). */
const CLIENT_EMULATOR_BRIDGES = new Set([
  "src/cli/commands/emulator.ts -> emulator/index.ts",
  "emulator/persist.ts -> src/platform/atomic-file.ts",
]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts"))
      out.push(rel);
  }
  return out;
}

/** Comments blanked (so a commented-out import does not count), strings kept. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/(^|[^:"'`\\])\/\/[^\n]*/g, "$1");
}

const IMPORT =
  /(?:\bimport|\bexport)\s[^;]*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|\bimport\s*["']([^"']+)["']/g;

/** Every relative import of `file`, resolved to a repository path (`.ts` / `/index.ts`). */
function importsOf(file: string): string[] {
  const text = stripComments(readFileSync(path.join(ROOT, file), "utf8"));
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (!spec.startsWith(".")) continue;
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, "");
    const candidates = [base, `${base}.ts`, `${base}/index.ts`];
    const hit = candidates.find((c) => c.endsWith(".ts") && allFiles.has(c));
    out.push(hit ?? base);
  }
  return out;
}

const allFiles = new Set([...sourceFiles("src"), ...sourceFiles("emulator")]);
const edges: { from: string; to: string }[] = [];
for (const f of allFiles) for (const to of importsOf(f)) edges.push({ from: f, to });
const show = (e: { from: string; to: string }) => `${e.from} -> ${e.to}`;

/** src/<folder>, src/errors.ts, src/index.ts, or emulator. */
function area(file: string): string {
  const parts = file.split("/");
  if (parts[0] !== "src") return parts[0]!;
  return parts.length > 2 ? `src/${parts[1]}` : file;
}

describe("import rules", () => {
  it("reads the import statements (sanity: known edges are found)", () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges.map(show)).toContain("src/credentials/resolve.ts -> src/config/load.ts");
    expect(edges.map(show)).toContain("src/cli/commands/emulator.ts -> emulator/index.ts");
  });

  it("1. the client and the emulator never import each other (two named bridges)", () => {
    const crossing = edges.filter(
      (e) =>
        (area(e.from) === "emulator") !== (area(e.to) === "emulator") &&
        !CLIENT_EMULATOR_BRIDGES.has(show(e)),
    );
    expect(crossing.map(show)).toEqual([]);
  });

  it("2. src/errors.ts imports nothing; src/platform only src/platform and src/errors.ts", () => {
    const bad = edges.filter(
      (e) =>
        (e.from === "src/errors.ts" && allFiles.has(e.to)) ||
        (area(e.from) === "src/platform" && !["src/platform", "src/errors.ts"].includes(area(e.to))),
    );
    expect(bad.map(show)).toEqual([]);
  });

  it("3. src/config imports only src/config, src/platform and src/errors.ts", () => {
    const bad = edges.filter(
      (e) =>
        area(e.from) === "src/config" &&
        !["src/config", "src/platform", "src/errors.ts"].includes(area(e.to)),
    );
    expect(bad.map(show)).toEqual([]);
  });

  it("4. src/sso never imports src/credentials (both use src/portal for the portal API)", () => {
    const bad = edges.filter((e) => area(e.from) === "src/sso" && area(e.to) === "src/credentials");
    expect(bad.map(show)).toEqual([]);
  });

  it("5. only src/cli imports src/cli", () => {
    const bad = edges.filter((e) => area(e.to) === "src/cli" && area(e.from) !== "src/cli");
    expect(bad.map(show)).toEqual([]);
  });

  it("6. no cycle between the areas of src/", () => {
    const graph = new Map<string, Set<string>>();
    for (const e of edges) {
      const a = area(e.from);
      const b = area(e.to);
      if (a === b || !a.startsWith("src") || !b.startsWith("src")) continue;
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)!.add(b);
    }
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const walk = (node: string, trail: string[]) => {
      state.set(node, "open");
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === "open")
          cycles.push([...trail.slice(trail.indexOf(next)), node, next].join(" -> "));
        else if (!state.has(next)) walk(next, [...trail, node]);
      }
      state.set(node, "done");
    };
    for (const node of graph.keys()) if (!state.has(node)) walk(node, []);
    expect(cycles).toEqual([]);
  });
});
