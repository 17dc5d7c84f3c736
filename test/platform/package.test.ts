/**
 * The published package as a consumer sees it (after `npm run build`, which `npm test` runs first):
 * the `bin`, the library entry and its type declarations exist, and a TypeScript consumer type-checks
 * against `import … from "portico"`.
 */
import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../..");
const pkg = JSON.parse(await fs.readFile(path.join(root, "package.json"), "utf8"));

describe("package entry points", () => {
  it("bin runs and prints the version", async () => {
    const { stdout } = await run(process.execPath, [path.join(root, pkg.bin.portico), "--version"]);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it("the library entry loads and exposes the public API", async () => {
    const lib = await import(path.join(root, pkg.exports["."].import));
    for (const name of ["loadAwsConfig", "editConfigFile", "resolveCredentials", "PorticoError", "awsPaths"])
      expect(typeof lib[name]).toBe("function");
  });

  it("a TypeScript consumer type-checks against the declarations", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-consumer-"));
    try {
      // A node_modules/portico link to the repo, as an installed package would sit.
      await fs.mkdir(path.join(dir, "node_modules"));
      await fs.symlink(root, path.join(dir, "node_modules", "portico"));
      await fs.writeFile(
        path.join(dir, "main.ts"),
        `import { awsPaths, loadAwsConfig, PorticoError, type AwsConfig } from "portico";
const cfg: Promise<AwsConfig> = loadAwsConfig(process.env);
const home: string = awsPaths(process.env).configFile;
const e = new PorticoError("usage", "y");
// @ts-expect-error: error codes are a closed, compiler-checked set
new PorticoError("x", "y");
const code: number = e.exitCode;
// @ts-expect-error: wrong argument type must be caught by the declarations
loadAwsConfig(42);
export { cfg, home, code };
`,
      );
      await fs.writeFile(
        path.join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            module: "NodeNext",
            moduleResolution: "NodeNext",
            target: "ES2022",
            noEmit: true,
            skipLibCheck: false,
            types: ["node"],
            typeRoots: [path.join(root, "node_modules", "@types")],
          },
          files: ["main.ts"],
        }),
      );
      const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
      const r = await run(process.execPath, [tsc, "-p", dir]).then(
        () => ({ code: 0, out: "" }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
      expect(r.out).toBe("");
      expect(r.code).toBe(0);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
