/**
 * The interactive paths in a real pseudo-terminal (python3's pty): the configure wizard's prompts
 * and type-to-filter pickers, PKCE sign-in through BROWSER in the middle, and Ctrl-C at a prompt.
 */
import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempHome, withEmulator } from "../helpers/emulator";
import { missing } from "../helpers/tools";
import { FETCHING_BROWSER } from "./support";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
});
afterEach(async () => {
  await cleanup();
});

const DRIVER = path.join(import.meta.dirname, "fixtures", "pty-drive.py");
const BIN = path.join(process.cwd(), "src", "cli", "bin.ts");

function drive(
  steps: [string, string][],
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; screen: string }> {
  return new Promise((resolve) => {
    execFile(
      "python3",
      [DRIVER, JSON.stringify(steps), process.execPath, "--import", "tsx", BIN, ...args],
      { env: { ...process.env, TERM: "xterm", ...env }, timeout: 90_000 },
      (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, screen: stdout }),
    );
  });
}

describe.skipIf(missing("python3"))("interactive configure sso in a terminal", () => {
  it("prompts in the CLI's order, signs in with PKCE, filters accounts and roles as you type", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const r = await drive(
        [
          ["SSO session name \\(Recommended\\):", "corp\r"],
          ["SSO start URL \\[None\\]:", `${emu.startUrl}\r`],
          ["SSO region \\[None\\]:", `${emu.region}\r`],
          ["SSO registration scopes \\[sso:account:access\\]:", "\r"],
          ["Select an account \\(type to filter\\)", "stag"],
          ["❯ acme-staging, aws-staging@acme\\.example \\(333333333333\\)\\s*(\\n|$)", "\r"],
          ["Select a role \\(type to filter\\)", "Power"],
          ["❯ PowerUserAccess", "\r"],
          ["Default client Region \\[None\\]:", "eu-west-1\r"],
          ["CLI default output format \\(json if not specified\\) \\[None\\]:", "\r"],
          ["Profile name \\[PowerUserAccess-333333333333\\]:", "\r"],
        ],
        ["configure", "sso"],
        { HOME: home, AWS_ENDPOINT_URL: emu.url, BROWSER: FETCHING_BROWSER },
      );
      expect(r.screen).toContain("Successfully logged into Start URL");
      expect(r.screen).toContain("Using the account ID 333333333333");
      expect(r.code).toBe(0);
      const text = await fs.readFile(path.join(home, ".aws", "config"), "utf8");
      expect(text).toContain(
        "[profile PowerUserAccess-333333333333]\nsso_session = corp\nsso_account_id = 333333333333\nsso_role_name = PowerUserAccess\nregion = eu-west-1\n",
      );
    });
  }, 120_000);

  it("Ctrl-C at a prompt → exit 130, nothing written", async () => {
    const r = await drive([["SSO session name \\(Recommended\\):", "\x03"]], ["configure", "sso"], {
      HOME: home,
    });
    expect(r.code).toBe(130);
    await expect(fs.access(path.join(home, ".aws", "config"))).rejects.toThrow();
  }, 60_000);
});
