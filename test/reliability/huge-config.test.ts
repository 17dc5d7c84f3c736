/**
 * Huge files (issue 7 defect 10) and the hot paths at scale (issue 9 "Speed"): reading stops at the
 * first refusal as botocore does, with the same refusal a full scan finds; the built CLI refuses a
 * large file with a duplicate near the top naming its line; `credential-process` on a miss opens the
 * config exactly once (the index keeps the fast path from reading it, and the SDK never reads it).
 * Times and memory per MB are measured by bench/hot-paths.bench.mjs and bench/huge.bench.mjs, not here.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/index";
import { buildProfileMap, parseConfigText, shlexSplit } from "../../src/config/botocore";
import { scan } from "../../src/config/scan";
import { demoConfig, deviceSignIn, testEnv, writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const PORTICO = path.join(ROOT, "dist", "cli", "portico.cjs");

function profiles(n: number, from = 0): string {
  const out: string[] = [];
  for (let i = from; i < from + n; i++)
    out.push(
      `[profile p${i}]\nsso_session = acme\nsso_account_id = ${String(i).padStart(12, "0")}\nsso_role_name = Admin\nregion = eu-north-1\n`,
    );
  return out.join("\n");
}

describe("reading stops at the first refusal", () => {
  it("a duplicate near the top of a large file: only the lines up to it are read", () => {
    const text = `${profiles(3)}\n[profile p1]\nregion = x\n${profiles(50_000, 10)}`;
    const s = scan(text, { stopAtRefusal: true });
    expect(s.refusal).toMatchObject({ code: "duplicate_section", line: 19 });
    expect(s.texts.length).toBe(19);
    const all = scan(text);
    expect(all.refusal).toEqual(s.refusal);
    expect(all.texts.length).toBeGreaterThan(250_000);
    expect(parseConfigText(text).refusal).toEqual(parseConfigText(text, { allErrors: true }).refusal);
  });

  it.each([
    ["duplicate key", "[profile a]\nregion = x\nRegion = y\n", "duplicate_key"],
    ["key before any section", "region = x\n[profile a]\n", "missing_section_header"],
    ["BOM", "\ufeff[profile a]\nregion = x\n", "bom"],
    ["deferred no-delimiter then a duplicate", "[a]\njunk\n[a]\n", "duplicate_section"],
    ["deferred only", "[a]\njunk\nx = 1\n", "no_delimiter"],
  ])("%s: the same refusal as the full scan", (_n, text, code) => {
    const fast = parseConfigText(`${text}${profiles(100, 500)}`);
    const full = parseConfigText(`${text}${profiles(100, 500)}`, { allErrors: true });
    expect(fast.refusal?.code).toBe(code);
    expect(fast.refusal).toEqual(full.refusal);
  });

  it("any text: stopping early never changes the refusal, and a clean file reads the same", () => {
    const line = fc.oneof(
      fc.constantFrom(
        "[a]",
        "[b]",
        "[DEFAULT]",
        "[profile a]",
        "k = v",
        "K: v",
        "  cont",
        "",
        "# c",
        "x",
        "=v",
        "\ufeff[a]",
      ),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.constantFrom("\n", "\r\n", "\r"), (lines, eol) => {
        const text = lines.join(eol);
        const fast = parseConfigText(text);
        const full = parseConfigText(text, { allErrors: true });
        expect(fast.refusal).toEqual(full.refusal);
        if (!full.refusal) expect([...fast.raw]).toEqual([...full.raw]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("section names without quotes skip the shlex tokenizer", () => {
  it("and name exactly the profiles shlex.split names", () => {
    const ch = fc.constantFrom(
      "profile",
      "sso-session",
      "services",
      "a",
      "B",
      " ",
      "\t",
      "\n",
      "\r",
      "\v",
      "\f",
      "\u00a0",
      "-",
      ".",
      "'",
      '"',
      "\\",
    );
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 8 }), (parts) => {
        const header = parts.join("");
        let expected: string | undefined;
        try {
          const w = shlexSplit(header);
          expected = w.length === 2 ? w[1] : undefined;
        } catch {
          expected = undefined;
        }
        const pm = buildProfileMap([header]);
        const got =
          pm.profiles.get(expected ?? "\u0000") ??
          pm.ssoSessions.get(expected ?? "\u0000") ??
          pm.services.get(expected ?? "\u0000");
        const prefixed = ["profile", "sso-session", "services"].some((t) => header.startsWith(t));
        if (prefixed && expected !== undefined) expect(got).toBe(header);
        else
          expect(pm.profiles.size + pm.ssoSessions.size + pm.services.size).toBe(
            header === "default" ? 1 : 0,
          );
      }),
      { numRuns: 3000 },
    );
  });
});

function run(args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, PORTICO, ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the built CLI on big configs", () => {
  it("refuses a 10 MB config with a duplicate near the top, naming the line", async () => {
    if (!existsSync(PORTICO)) throw new Error("run `npm run build` first");
    const home = await tempHome();
    try {
      await writeConfig(home.home, `${profiles(2)}\n[profile p0]\nregion = y\n${profiles(60_000, 10)}`);
      for (const args of [["profiles"], ["config", "get", "region", "--profile", "p5"]]) {
        const r = await run(args, { HOME: home.home, PATH: process.env["PATH"], NO_COLOR: "1" });
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toMatch(/config:13: section \[profile p0\] appears more than once/);
      }
    } finally {
      await home.cleanup();
    }
  });

  it("credential-process on a cache miss opens ~/.aws/config once: never again for the SDK", async () => {
    if (!existsSync(PORTICO)) throw new Error("run `npm run build` first");
    const emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
    const home = await tempHome();
    try {
      const env = testEnv(home.home, emu.url);
      await writeConfig(home.home, `${demoConfig()}\n${profiles(2000, 10)}`);
      await deviceSignIn(env, "acme");
      const cfg = path.join(home.home, ".aws", "config");
      // Count every open of the config from JavaScript (node:fs sync, callback and promise APIs).
      const hook = path.join(home.home, "count-opens.cjs");
      await writeFile(
        hook,
        [
          'const fs = require("node:fs");',
          `const target = ${JSON.stringify(cfg)};`,
          "let n = 0;",
          // readFileSync(path) goes through fs.openSync; the promise API and fs.open have their own.
          'for (const [o, k] of [[fs, "openSync"], [fs, "open"], [fs.promises, "open"], [fs.promises, "readFile"], [fs, "readFile"]]) {',
          "  const f = o[k];",
          "  o[k] = function (p, ...a) { if (String(p) === target) n++; return f.call(this, p, ...a); };",
          "}",
          'require("node:module").syncBuiltinESMExports();',
          'process.on("exit", () => process.stderr.write("CONFIG_OPENS=" + n + "\\n"));',
        ].join("\n"),
      );
      // Let the config settle so the fast path may keep its index, then: miss (index written), miss.
      await new Promise((r) => setTimeout(r, 2100));
      const runs = [];
      for (let i = 0; i < 2; i++) {
        await import("node:fs/promises").then((m) =>
          m.rm(path.join(home.home, ".aws", "cli"), { recursive: true, force: true }),
        );
        runs.push(await run(["credential-process", "--profile", "dev"], env, ["-r", hook]));
      }
      for (const r of runs) {
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).AccountId).toBe("333333333333");
      }
      const opens = runs.map((r) => Number(/CONFIG_OPENS=(\d+)/.exec(r.stderr)?.[1]));
      // First run: the fast path reads the file once to build its index; the resolver uses the
      // profile's located sections from that read (src/config/located.ts), the SDK never reads it.
      expect(opens[0]).toBe(1);
      // With the index: the located sections come from it, the config is not opened at all.
      expect(opens[1]).toBe(0);
      // And the hit after that never opens the config at all.
      const hit = await run(["credential-process", "--profile", "dev"], env, ["-r", hook]);
      expect(hit.code).toBe(0);
      expect(/CONFIG_OPENS=(\d+)/.exec(hit.stderr)?.[1]).toBe("0");
      // `use --print-env` shares the same located profile and index: it does not open the config either.
      const use = await run(["use", "dev", "--print-env", "--shell", "bash"], env, ["-r", hook]);
      expect(use.code, use.stderr).toBe(0);
      expect(use.stdout).toContain("export AWS_PROFILE='dev'");
      expect(/CONFIG_OPENS=(\d+)/.exec(use.stderr)?.[1]).toBe("0");
    } finally {
      await home.cleanup();
      await emu.stop();
    }
  });
});
