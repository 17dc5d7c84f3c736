/**
 * writeSyncPlan (src/sync/sync.ts): the block is checked on the config layer's one scan of the exact
 * text written — a plan that would make the file unreadable, or a block that is not the planned body,
 * writes nothing; runSync plans again under the lock when the file changed after the summary.
 */
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/botocore";
import { loadAwsConfig } from "../../src/config/load";
import { isPorticoError } from "../../src/errors";
import { planSync } from "../../src/sync/plan";
import { runSync, writeSyncPlan } from "../../src/sync/sync";
import { parseTemplate } from "../../src/sync/template";
import { tempHome, withEmulator } from "../helpers/emulator";
import { configPath, readConfig, signedIn } from "./support";

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "portico-sync-write-"));
  file = path.join(dir, "config");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const USER =
  "[sso-session acme]\nsso_start_url = https://d-0000000000.awsapps.com/start\nsso_region = eu-north-1\n\n[profile mine]\nregion = eu-west-1\n";
const plan = (text: string) =>
  planSync({
    text,
    file,
    sessionName: "acme",
    startUrl: "https://d-0000000000.awsapps.com/start",
    accounts: [
      { accountId: "111111111111", accountName: "dev", roles: ["Admin", "Read"] },
      { accountId: "222222222222", accountName: "prod", roles: ["Read"] },
    ],
    template: parseTemplate("{account_name}-{role_name}"),
    command: "portico sync --sso-session acme",
  });

describe("writeSyncPlan", () => {
  it("writes the planned block; every profile reads back as botocore reads it; bytes outside the block kept", async () => {
    await writeFile(file, USER);
    const r = await writeSyncPlan(file, plan);
    expect(r.changed).toBe(true);
    const text = await readFile(file, "utf8");
    expect(text.startsWith(USER)).toBe(true);
    const view = parseConfigText(text);
    expect(r.plan.profiles.map((p) => p.name)).toEqual(["dev-Admin", "dev-Read", "prod-Read"]);
    expect(view.refusal).toBeUndefined();
    for (const p of r.plan.profiles) {
      const got = view.raw.get(`profile ${p.name}`);
      expect(got?.get("sso_account_id")).toBe(p.accountId);
      expect(got?.get("sso_role_name")).toBe(p.roleName);
      expect(got?.get("sso_session")).toBe("acme");
    }
    expect((await writeSyncPlan(file, plan)).changed).toBe(false);
  });

  it("a block that would repeat a section of the file (botocore refuses the file) is not written", async () => {
    await writeFile(file, USER);
    const broken = (text: string) => {
      const p = plan(text);
      // What a planning bug could produce: a generated section with the name of the user's own.
      return { ...p, body: [...p.body, "", "[profile mine]", "region = us-east-1"] };
    };
    const e = await writeSyncPlan(file, broken).catch((x: unknown) => x);
    expect(isPorticoError(e) && e.code).toBe("config_edit_unsafe");
    expect((e as Error).message).toMatch(/section \[profile mine\] appears more than once/);
    expect(await readFile(file, "utf8")).toBe(USER);
  });

  it("a block whose lines are not the planned body as written is not written", async () => {
    await writeFile(file, USER);
    // The plan's body holds a line with a break: as written it would be two lines, not the planned one.
    const broken = (text: string) => {
      const p = plan(text);
      return { ...p, body: [...p.body.slice(0, -1), `${p.body.at(-1)}\n[profile extra]`] };
    };
    await expect(writeSyncPlan(file, broken)).rejects.toThrow(/line break/);
    expect(await readFile(file, "utf8")).toBe(USER);
  });
});

describe("runSync's write", () => {
  it("plans again under the lock when another program wrote the file after the summary was shown", async () => {
    await withEmulator({ accounts: 3, rolesPerAccount: 1, autoApprove: "alice" }, async (emu) => {
      const h = await tempHome();
      try {
        const env = await signedIn(h.home, emu);
        let taken = "";
        const r = await runSync(
          {
            env,
            now: () => new Date(),
            config: await loadAwsConfig(env),
            // While the person reads the summary, "an editor" adds a profile with a generated name.
            confirm: async (plan) => {
              taken = plan.profiles[0]!.name;
              await appendFile(configPath(h.home), `\n[profile ${taken}]\nregion = eu-west-1\n`);
              return true;
            },
          },
          { ssoSession: "acme" },
        );
        expect(r.written).toBe(true);
        expect(r.skipped.map((s) => [s.name, s.reason])).toEqual([[taken, "user_profile"]]);
        const text = await readConfig(h.home);
        expect(text.split(`[profile ${taken}]`)).toHaveLength(2);
        expect(parseConfigText(text).refusal).toBeUndefined();
      } finally {
        await h.cleanup();
      }
    });
  }, 60_000);
});
