/**
 * The sign-in commands the emulator's credentials page suggests (emulator/web/portal.ts
 * SIGN_IN_COMMANDS) say from which AWS CLI version each works; the installed AWS CLI v2
 * (/usr/bin/aws, 2.9.19 on Debian 12) must accept the options of every command marked for its
 * version and refuse ("Unknown options") those marked for a later one. Run in an empty HOME with
 * stdin closed: the commands stop at the missing configuration or the missing terminal.
 */
import { describe, expect, it } from "vitest";
import { SIGN_IN_COMMANDS } from "../../emulator/web/portal";
import { runAwsCli } from "../helpers/aws-clients";
import { tempHome } from "../helpers/emulator";
import { missing } from "../helpers/tools";

const num = (v: string) => v.split(".").map(Number);
function atLeast(version: string, since: string): boolean {
  const [a, b] = [num(version), num(since)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

describe.skipIf(missing("aws"))("the portal's AWS CLI sign-in commands", () => {
  it("each works from the version it names, and no earlier", async () => {
    const { home, cleanup } = await tempHome();
    try {
      const env = { HOME: home, PATH: "/usr/bin:/bin" };
      const v = await runAwsCli(["--version"], env);
      const version = /aws-cli\/(\d+\.\d+\.\d+)/.exec(v.stdout + v.stderr)![1]!;
      const checked: string[] = [];
      for (const c of SIGN_IN_COMMANDS.filter((c) => c.command.startsWith("aws "))) {
        const args = c.command
          .slice(4)
          .split(" ")
          .map((a) => (a === "NAME" ? "emu" : a));
        const r = await runAwsCli(args, env, "");
        const refused = /Unknown options/.test(r.stderr);
        expect(refused, `${c.command} on ${version}: ${r.stderr}`).toBe(!atLeast(version, c.since));
        checked.push(`${c.command}: ${refused ? "refused" : "accepted"}`);
      }
      // On 2.9.19 this is the case the page warns about.
      if (!atLeast(version, "2.22.0"))
        expect(checked).toContain("aws configure sso --use-device-code: refused");
      expect(checked.length).toBe(3);
    } finally {
      await cleanup();
    }
  });
});
