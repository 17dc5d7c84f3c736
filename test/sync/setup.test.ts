/**
 * `portico setup` against the emulator, non-interactive (every answer a flag): a vanity start URL
 * resolved by one HEAD, the region taken from the resolved host and the session name from it, the
 * device-code sign-in, the sync; exit 4 with the exact command where a person would have to answer;
 * presets (INI and JSON) validated with every problem named.
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultSessionName, parsePreset } from "../../src/sync/setup";
import { runCli } from "../cli/support";
import { testEnv } from "../credentials/support";
import { tempHome, withEmulator } from "../helpers/emulator";
import { PORTICO_CJS, ROOT } from "../shell/support";

const PTY_DRIVER = path.join(ROOT, "test", "sso", "fixtures", "pty-drive.py");

const APP_AWS = "https://ssoins-72239e8f1a2b3c4d.portal.eu-north-1.app.aws";

describe("setup, pure parts", () => {
  it("session names from start URLs", () => {
    expect(defaultSessionName("https://acme.awsapps.com/start")).toBe("acme");
    expect(defaultSessionName("https://d-1234567890.awsapps.com/start")).toBe("d-1234567890");
    expect(defaultSessionName(APP_AWS)).toBe("ssoins-72239e8f1a2b3c4d");
    expect(defaultSessionName("https://sso.example.com/")).toBe("example");
  });
  it("presets: INI and JSON; every problem named", () => {
    expect(
      parsePreset(
        "# acme onboarding\n[portico]\nstart_url = https://acme.awsapps.com/start\nsso_region = eu-west-1\nexclude_roles = Billing*, Audit\n",
        "p.ini",
      ),
    ).toEqual({
      startUrl: "https://acme.awsapps.com/start",
      ssoRegion: "eu-west-1",
      filters: { excludeRoles: ["Billing*", "Audit"] },
    });
    expect(() =>
      parsePreset(
        '{"startUrl": "http://x", "ssoRegion": "mars", "output": "xml", "nameTemplate": "{nope}", "colour": "red"}',
        "p.json",
      ),
    ).toThrow(
      /unknown key "colour".*start_url "http:\/\/x" must be an https URL.*sso_region "mars".*output "xml".*unknown field \{nope\}/,
    );
  });
});

describe("portico setup", () => {
  it("a vanity URL: region and session name found out, signed in, every account synced — no question asked", async () => {
    await withEmulator(
      { accounts: 3, rolesPerAccount: 2, autoApprove: "alice", startUrl: APP_AWS },
      async (emu) => {
        const h = await tempHome();
        try {
          const env = testEnv(h.home, emu.url);
          const r = await runCli(
            ["setup", `${emu.url}/vanity`, "--device-code", "--yes", "--region", "eu-west-1", "--json"],
            env,
          );
          expect(r.code, r.stderr).toBe(0);
          const out = JSON.parse(r.stdout);
          expect(out).toMatchObject({
            ssoSession: "ssoins-72239e8f1a2b3c4d",
            ssoRegion: "eu-north-1",
            serviceStartUrl: APP_AWS,
            sync: { profiles: 6, written: true },
          });
          const text = await readFile(path.join(h.home, ".aws", "config"), "utf8");
          expect(text).toContain(
            `[sso-session ssoins-72239e8f1a2b3c4d]\nsso_start_url = ${emu.url}/vanity\nsso_region = eu-north-1\n`,
          );
          expect(text).toContain(
            "[profile account-1-Role1]\nsso_session = ssoins-72239e8f1a2b3c4d\nsso_account_id = 100000000001\nsso_role_name = Role1\nregion = eu-west-1\n",
          );
          // The picker's index is ready for the first `pc`.
          expect(
            (await readFile(path.join(h.home, ".aws", "portico", "pick-index.json"), "utf8")).split("\n"),
          ).toHaveLength(7);
          // Again: nothing to write, no new sign-in.
          const again = await runCli(["setup", `${emu.url}/vanity`, "--device-code", "--yes"], env);
          expect(again.code, again.stderr).toBe(0);
          expect(await readFile(path.join(h.home, ".aws", "config"), "utf8")).toBe(text);
        } finally {
          await h.cleanup();
        }
      },
    );
  });

  it("exit 4 with the exact command where a person would answer: the region, the confirmation", async () => {
    await withEmulator({ accounts: 1, rolesPerAccount: 1, autoApprove: "alice" }, async (emu) => {
      const h = await tempHome();
      try {
        const env = testEnv(h.home, emu.url);
        const noRegion = await runCli(
          ["setup", "https://d-0000000000.awsapps.com/start", "--device-code", "--yes"],
          env,
        );
        expect(noRegion.code).toBe(4);
        expect(noRegion.stderr).toContain(
          "hint: portico setup https://d-0000000000.awsapps.com/start --sso-region '<region>' --device-code",
        );
        const noYes = await runCli(
          ["setup", "https://d-0000000000.awsapps.com/start", "--sso-region", "eu-north-1", "--device-code"],
          env,
        );
        expect(noYes.code).toBe(4);
        expect(noYes.stderr).toContain(
          "hint: portico setup https://d-0000000000.awsapps.com/start --sso-region eu-north-1 --device-code --yes",
        );
        const noUrl = await runCli(["setup"], env);
        expect(noUrl.code).toBe(4);
        await expect(readFile(path.join(h.home, ".aws", "config"), "utf8")).rejects.toThrow();
      } finally {
        await h.cleanup();
      }
    });
  });

  it("the shell integration: --shell installs it for $SHELL (once); without --shell a non-interactive run leaves rc files alone", async () => {
    await withEmulator({ accounts: 1, rolesPerAccount: 1, autoApprove: "alice" }, async (emu) => {
      const h = await tempHome();
      try {
        const env = { ...testEnv(h.home, emu.url), SHELL: "/usr/bin/zsh" };
        const args = [
          "setup",
          "https://d-0000000000.awsapps.com/start",
          "--sso-region",
          "eu-north-1",
          "--device-code",
          "--yes",
        ];
        const plain = await runCli(args, env);
        expect(plain.code, plain.stderr).toBe(0);
        expect(plain.stderr).toContain("portico shell-init zsh --install   # shell integration");
        await expect(readFile(path.join(h.home, ".zshrc"), "utf8")).rejects.toThrow();
        const withShell = await runCli([...args, "--shell", "--shell-name", "sw", "--json"], env);
        expect(withShell.code, withShell.stderr).toBe(0);
        expect(JSON.parse(withShell.stdout).shell).toMatchObject({ shell: "zsh", result: "added", line: 1 });
        const rc = await readFile(path.join(h.home, ".zshrc"), "utf8");
        expect(rc).toContain('eval "$(portico shell-init zsh --name sw)"');
        const again = await runCli([...args, "--shell", "--shell-name", "sw"], env);
        expect(again.stderr).toContain("already in");
        expect(await readFile(path.join(h.home, ".zshrc"), "utf8")).toBe(rc);
        const bad = await runCli([...args, "--shell"], { ...env, SHELL: "/bin/sh" });
        expect(bad.code).toBe(2);
        expect(bad.stderr).toContain("hint: portico setup --shell --shell-kind bash");
      } finally {
        await h.cleanup();
      }
    });
  });

  it("on a terminal it asks (default yes): Enter installs the integration in ~/.bashrc", async () => {
    await withEmulator({ accounts: 1, rolesPerAccount: 1, autoApprove: "alice" }, async (emu) => {
      const h = await tempHome();
      try {
        const env = { ...process.env, ...testEnv(h.home, emu.url), SHELL: "/bin/bash", TERM: "xterm" };
        const args = [
          "setup",
          "https://d-0000000000.awsapps.com/start",
          "--sso-region",
          "eu-north-1",
          "--device-code",
          "--no-browser",
          "--yes",
        ];
        const screen = await new Promise<{ code: number; out: string }>((resolve) =>
          execFile(
            "python3",
            [
              PTY_DRIVER,
              JSON.stringify([["Add the shell integration \\(pc\\) to", "\r"]]),
              process.execPath,
              PORTICO_CJS,
              ...args,
            ],
            { env, timeout: 60_000 },
            (err, out) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out }),
          ),
        );
        expect(screen.code, screen.out).toBe(0);
        expect(screen.out).toContain("Added the portico shell integration to");
        expect(await readFile(path.join(h.home, ".bashrc"), "utf8")).toContain(
          'eval "$(portico shell-init bash)"',
        );
      } finally {
        await h.cleanup();
      }
    });
  });

  it("a preset file gives the URL, region, names and what to skip", async () => {
    await withEmulator({ accounts: 2, rolesPerAccount: 3, autoApprove: "alice" }, async (emu) => {
      const h = await tempHome();
      try {
        const env = testEnv(h.home, emu.url);
        const preset = path.join(h.home, "acme.ini");
        await writeFile(
          preset,
          "start_url = https://d-0000000000.awsapps.com/start\nsso_region = eu-north-1\nsso_session = acme\nname_template = {account_id}.{role_name}\nexclude_roles = Role3\noutput = json\n",
        );
        const r = await runCli(["setup", "--preset", preset, "--device-code", "--yes", "--json"], env);
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).sync.added).toEqual([
          "100000000001.Role1",
          "100000000001.Role2",
          "100000000002.Role1",
          "100000000002.Role2",
        ]);
        await writeFile(preset, "start_url = nope\n");
        const bad = await runCli(["setup", "--preset", preset, "--yes"], env);
        expect(bad.code).toBe(3);
        expect(bad.stderr).toContain('start_url "nope" must be an https URL');
      } finally {
        await h.cleanup();
      }
    });
  });
});
