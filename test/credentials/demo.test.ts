/** `npm run demo` (scripts/demo.mjs) end to end: every step passes and the temporary HOME is removed. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

it("npm run demo: all steps pass, secrets masked, temporary HOME removed", async () => {
  if (!existsSync(path.join(ROOT, "dist", "cli", "portico.mjs")))
    throw new Error("run `npm run build` first");
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "scripts", "demo.mjs")], {
      env: { PATH: process.env["PATH"], HOME: process.env["HOME"], NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (c) => resolve({ code: c, out }));
  });
  expect(code, out).toBe(0);
  expect(out).toContain("demo: all steps passed");
  for (const step of ["configure sso-session", "login", "configure sso", "accounts", "whoami", "credentials"])
    expect(out).toContain(`$ portico ${step}`);
  expect(out).toMatch(/AWS_SECRET_ACCESS_KEY=\S{4}…\(\d+ chars, masked\)/);
  expect(out).toMatch(/assumed-role\/AWSReservedSSO_PowerUserAccess_[0-9a-f]{16}\/alice/);
  const home = /temporary HOME (\S+)\)/.exec(out)?.[1];
  expect(home).toBeTruthy();
  expect(existsSync(home!)).toBe(false);
});
