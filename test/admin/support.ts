/**
 * The admin tests' fixture: an emulator whose org has the given accounts, and a HOME whose
 * ~/.aws/credentials holds a static-key profile `mgmt` (the credentials that call the admin APIs).
 * Registers its own beforeAll/afterAll; read the fields inside tests.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../emulator/index";
import { orgFromSeed } from "../../emulator/seeds";
import { runCli } from "../cli/support";
import { testEnv } from "../credentials/support";
import { tempHome } from "../helpers/emulator";

export interface AdminFixture {
  emu: RunningEmulator;
  home: string;
  env: NodeJS.ProcessEnv;
  /** `portico admin ARGS --profile mgmt`, in process. */
  admin(...args: string[]): ReturnType<typeof runCli>;
  /** Write FILE in HOME (a string as is, anything else as JSON): its path. */
  file(name: string, value: unknown): Promise<string>;
}

export function adminFixture(
  accounts: { accountId: string; accountName: string }[],
  options: Omit<EmulatorOptions, "seed"> = {},
): AdminFixture {
  let home: { home: string; cleanup(): Promise<void> } | undefined;
  const f = {
    admin: (...args: string[]) => runCli(["admin", ...args, "--profile", "mgmt"], f.env),
    file: async (name: string, value: unknown) => {
      const file = path.join(f.home, name);
      await fs.writeFile(file, typeof value === "string" ? value : JSON.stringify(value, null, 2));
      return file;
    },
  } as AdminFixture;
  beforeAll(async () => {
    f.emu = await startEmulator({ ...options, seed: orgFromSeed({ accounts }) });
    home = await tempHome();
    f.home = home.home;
    f.env = testEnv(home.home, f.emu.url);
    await fs.mkdir(path.join(home.home, ".aws"), { mode: 0o700 });
    await fs.writeFile(
      path.join(home.home, ".aws/credentials"),
      `[mgmt]\naws_access_key_id = AKIAADMINEXAMPLE0001\naws_secret_access_key = admin-secret-value\nregion = ${f.emu.region}\n`,
      { mode: 0o600 },
    );
  });
  afterAll(async () => {
    await f.emu?.stop();
    await home?.cleanup();
  });
  return f;
}

/**
 * The admin guide's steps as `portico admin` argv (../shared/seeds' walkthrough): the user, the group,
 * the ViewOnlyAccess permission set, the group's assignment in `account` (an ID or a name) and the
 * membership. The walkthrough tests run them in this order, with their own checks; `json` asks the
 * permission-set step for its JSON.
 */
export function guideSteps(account: string, opts: { json?: boolean } = {}) {
  return {
    user: [
      "users",
      "create",
      "jane",
      "--email",
      "jane@example.com",
      "--given-name",
      "Jane",
      "--family-name",
      "Doe",
    ],
    group: ["groups", "create", "ReadOnly", "--description", "read-only people"],
    permissionSet: [
      "permission-sets",
      "create",
      "ViewOnlyAccess",
      "--managed-policy",
      "ViewOnlyAccess",
      "--session-duration",
      "PT8H",
      ...(opts.json ? ["--json"] : []),
    ],
    assign: ["assign", "--group", "ReadOnly", "--permission-set", "ViewOnlyAccess", "--account", account],
    member: ["groups", "add-member", "ReadOnly", "jane"],
  };
}
