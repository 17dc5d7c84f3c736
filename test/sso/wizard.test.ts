/**
 * The configure wizard's questions, order, defaults and messages (§1.6), driven through its UI seam
 * with scripted answers; the sign-in and portal are the real ones against the emulator.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { editConfigFile } from "../../src/config/edit";
import { loadAwsConfig } from "../../src/config/load";
import { openPortal } from "../../src/portal/client";
import { configureSso, type WizardUi } from "../../src/sso/configure";
import { login } from "../../src/sso/login";
import { getSsoToken } from "../../src/sso/token-provider";
import { tempHome, withEmulator } from "../helpers/emulator";
import { depsFor, writeConfig } from "./support";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
});
afterEach(async () => {
  await cleanup();
});

function scripted(answers: string[], log: string[], pickAccount?: string, pickRole?: string): WizardUi {
  return {
    say: (t) => log.push(`say:${t}`),
    ask: async (prompt) => {
      log.push(`ask:${prompt}`);
      return answers.shift() ?? "";
    },
    pickAccount: async (accounts) => {
      log.push(`pickAccount:${accounts.length}`);
      return pickAccount ?? accounts[0]!.accountId;
    },
    pickRole: async (roles) => {
      log.push(`pickRole:${roles.join(",")}`);
      return pickRole ?? roles[0]!;
    },
  };
}

describe("configure sso wizard", () => {
  it("asks the CLI's questions in the CLI's order with its defaults", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const deps = depsFor(home, emu);
      const config = await loadAwsConfig(deps.env);
      const log: string[] = [];
      const portal = await openPortal({ env: deps.env, region: emu.region, loginArgs: "--sso-session corp" });
      try {
        const r = await configureSso(
          {
            config,
            ui: scripted(["corp", emu.startUrl, emu.region, "", "eu-west-1", "", ""], log),
            edit: (fn) => editConfigFile(config.paths.configFile, fn),
            token: async (s) =>
              (await login({ ...deps, print: () => {} }, s, { flow: "device" })).token.accessToken,
            listAccounts: (_s, t) => portal.listAccounts(t),
            listRoles: (_s, t, id) => portal.listRoles(t, id),
          },
          {},
        );
        const asks = log.filter((l) => l.startsWith("ask:"));
        expect(asks).toEqual([
          "ask:SSO session name (Recommended): ",
          "ask:SSO start URL [None]: ",
          "ask:SSO region [None]: ",
          "ask:SSO registration scopes [sso:account:access]: ",
          "ask:Default client Region [None]: ",
          "ask:CLI default output format (json if not specified) [None]: ",
          `ask:Profile name [${r.roleName}-${r.accountId}]: `,
        ]);
        // accounts are listed and picked between the session questions and the client defaults
        const iPick = log.findIndex((l) => l.startsWith("pickAccount:"));
        expect(iPick).toBeGreaterThan(log.indexOf("ask:SSO registration scopes [sso:account:access]: "));
        expect(log.some((l) => /^say:There are \d+ AWS accounts available to you\./.test(l))).toBe(true);
        expect(log).toContain(`say:Using the account ID ${r.accountId}\n`);
        expect(r.profile).toBe(`${r.roleName}-${r.accountId}`);
        const text = await fs.readFile(path.join(home, ".aws", "config"), "utf8");
        expect(text).toContain(`[profile ${r.profile}]\nsso_session = corp\n`);
        expect(text).toContain("region = eu-west-1\n");
        expect(text).not.toContain("output =");
      } finally {
        portal.close();
      }
    });
  });

  it("an existing profile: current values shown, session reused, cached token reused", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const deps = depsFor(home, emu);
      await writeConfig(
        home,
        `[profile dev]\nsso_session = corp\nregion = us-east-2\noutput = text\n[sso-session corp]\nsso_start_url = ${emu.startUrl}\nsso_region = ${emu.region}\nsso_registration_scopes = sso:account:access\n`,
      );
      const config = await loadAwsConfig(deps.env);
      const log: string[] = [];
      let signIns = 0;
      const portal = await openPortal({ env: deps.env, region: emu.region, loginArgs: "--profile dev" });
      const session0 = { ...(await import("../../src/sso/session")).ssoSessionByName(config, "corp") };
      await login({ ...deps, print: () => {} }, session0, { flow: "device" });
      try {
        await configureSso(
          {
            config,
            ui: scripted(["", "", ""], log),
            edit: (fn) => editConfigFile(config.paths.configFile, fn),
            token: async (s, isNew) => {
              expect(isNew).toBe(false);
              try {
                return (await getSsoToken(deps, s)).accessToken;
              } catch {
                signIns++;
                return "";
              }
            },
            listAccounts: (_s, t) => portal.listAccounts(t),
            listRoles: (_s, t, id) => portal.listRoles(t, id),
          },
          { profile: "dev" },
        );
        expect(signIns).toBe(0);
        expect(log.filter((l) => l.startsWith("ask:"))).toEqual([
          "ask:SSO session name [corp]: ",
          "ask:Default client Region [us-east-2]: ",
          "ask:CLI default output format (json if not specified) [text]: ",
        ]);
        const text = await fs.readFile(path.join(home, ".aws", "config"), "utf8");
        expect(
          text.startsWith(
            "[profile dev]\nsso_session = corp\nregion = us-east-2\noutput = text\nsso_account_id = ",
          ),
        ).toBe(true);
      } finally {
        portal.close();
      }
    });
  });
});
