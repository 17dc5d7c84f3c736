/**
 * `config set` on a profile that does not exist, in a real pseudo-terminal (python3's pty driver of
 * test/sso/fixtures): it asks; "n" writes nothing (exit 3), "y" creates the profile.
 */
import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempHome } from "../helpers/emulator";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
});
afterEach(async () => {
  await cleanup();
});

const DRIVER = path.join(import.meta.dirname, "..", "sso", "fixtures", "pty-drive.py");
const BIN = path.join(process.cwd(), "src", "cli", "bin.ts");

function drive(steps: [string, string][], args: string[]): Promise<{ code: number; screen: string }> {
  return new Promise((resolve) => {
    execFile(
      "python3",
      [DRIVER, JSON.stringify(steps), process.execPath, "--import", "tsx", BIN, ...args],
      { env: { ...process.env, TERM: "xterm", HOME: home }, timeout: 60_000 },
      (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, screen: stdout }),
    );
  });
}

describe("config set on a missing profile, on a terminal", () => {
  it("asks: no → nothing written, exit 3; yes → created", async () => {
    const cfg = path.join(home, ".aws", "config");
    await fs.mkdir(path.dirname(cfg), { recursive: true });
    await fs.writeFile(cfg, "[profile dev]\nregion = a\n");
    const no = await drive(
      [['profile "dve" does not exist\\. Create it\\?', "n\r"]],
      ["config", "set", "region", "b", "--profile", "dve"],
    );
    expect(no.code, no.screen).toBe(3);
    expect(await fs.readFile(cfg, "utf8")).toBe("[profile dev]\nregion = a\n");
    const yes = await drive(
      [['profile "dve" does not exist\\. Create it\\?', "y\r"]],
      ["config", "set", "region", "b", "--profile", "dve"],
    );
    expect(yes.code, yes.screen).toBe(0);
    expect(await fs.readFile(cfg, "utf8")).toBe("[profile dev]\nregion = a\n[profile dve]\nregion = b\n");
  });
});
