/**
 * Re-running `configure sso` on an existing profile: the pickers start on the profile's current
 * account and role (as the other questions default to the current value), so Enter keeps them
 * instead of silently switching to the alphabetically first account. Real portal and sign-in
 * against the emulator; the pickers are scripted through the wizard's UI seam.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { editConfigFile } from "../../src/config/edit";
import { loadAwsConfig } from "../../src/config/load";
import { openPortal } from "../../src/portal/client";
import { configureSso, type WizardUi } from "../../src/sso/configure";
import { demoConfig, deviceSignIn, testEnv, writeConfig } from "../credentials/support";
import { tempHome, withEmulator } from "../helpers/emulator";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
});
afterEach(async () => {
  await cleanup();
});

describe("configure sso on an existing profile", () => {
  it("offers the current account, then the current role, first: Enter keeps them", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const env = testEnv(home, emu.url);
      await writeConfig(home, demoConfig());
      const { accessToken } = await deviceSignIn(env, "acme");
      const config = await loadAwsConfig(env);
      const portal = await openPortal({ env, region: emu.region, loginArgs: "--sso-session acme" });
      const shown: string[] = [];
      const ui: WizardUi = {
        say: () => {},
        ask: async () => "",
        // "Enter": take what the picker shows first.
        pickAccount: async (accounts) => {
          shown.push(`account:${accounts[0]!.accountId}`);
          return accounts[0]!.accountId;
        },
        pickRole: async (roles) => {
          shown.push(`role:${roles[0]}`);
          return roles[0]!;
        },
      };
      try {
        const r = await configureSso(
          {
            config,
            ui,
            edit: (fn) => editConfigFile(config.paths.configFile, fn),
            token: async () => accessToken,
            listAccounts: (_s, t) => portal.listAccounts(t),
            listRoles: (_s, t, id) => portal.listRoles(t, id),
          },
          { profile: "dev" },
        );
        // demoConfig's dev: 333333333333 / PowerUserAccess (not first by name: acme-management, AdministratorAccess).
        expect(shown).toEqual(["account:333333333333", "role:PowerUserAccess"]);
        expect(r.changed).toBe(false);
      } finally {
        portal.close();
      }
    });
  });
});
