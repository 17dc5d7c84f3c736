/**
 * `portico login` when nobody approves in time: exit 7, and the hint is the exact command to run
 * again (same session, same flow flags). Real emulator without auto-approval, over HTTP.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { demoConfig, testEnv, writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";
import { runCli } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo" });
  home = await tempHome();
  env = testEnv(home.home, emu.url);
  await writeConfig(home.home, demoConfig());
});
afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

describe("login: nobody approves in time", () => {
  it.each([
    [["--sso-session", "acme"], "portico login --sso-session acme --device-code --no-browser"],
    [["--profile", "dev"], "portico login --profile dev --device-code --no-browser"],
  ])(
    "%j: exit 7, the URL and code on stderr only, and the hint is the command to run again",
    async (sel, cmd) => {
      const r = await runCli(["login", ...sel, "--device-code", "--no-browser", "--timeout", "1"], env);
      expect(r.code).toBe(7);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/Then enter the code:\n\n[A-Z]{4}-[A-Z]{4}\n/);
      expect(r.stderr).toMatch(/^portico: The pending authorization .* has expired/m);
      const hint = /^hint: (.*)$/m.exec(r.stderr)?.[1] ?? "";
      expect(hint).toContain(cmd);
      expect(hint).toContain("--timeout");
    },
  );
});

describe("login: wrong sso_region (the guides' invalid_grant)", () => {
  it("every client call addressed to the wrong region: exit 3 naming sso_region, not an untrusted URL", async () => {
    await writeConfig(home.home, demoConfig().replace("sso_region = eu-north-1", "sso_region = eu-west-1"));
    try {
      const r = await runCli(["login", "--sso-session", "acme", "--device-code", "--no-browser"], {
        ...env,
        // As AWS would be reached for sso_region = eu-west-1: that region's endpoint.
        AWS_ENDPOINT_URL: `${emu.url}/region/eu-west-1`,
      });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(
        /^portico: Sign-in was refused \(invalid_grant\)\. The likely cause is a wrong sso_region \(eu-west-1\)/m,
      );
      expect(r.stderr).toMatch(/^hint: .*portico configure sso-session acme/m);
    } finally {
      await writeConfig(home.home, demoConfig());
    }
  });
});

describe("login: the authorization denied in the browser (PKCE)", () => {
  it("exit 5, and the hint is the same login command to run again", async () => {
    let asked = false;
    const port = await freePort();
    const r = await runCli(
      ["login", "--profile", "dev", "--no-browser", "--callback-port", String(port)],
      env,
      (chunk) => {
        const m = /(http:\/\/\S+\/authorize\?\S+)/.exec(chunk);
        if (!m || asked) return;
        asked = true;
        const u = new URL(m[1]!);
        const callback = new URL(u.searchParams.get("redirect_uri")!);
        callback.searchParams.set("error", "access_denied");
        callback.searchParams.set("state", u.searchParams.get("state")!);
        void fetch(callback).catch(() => {});
      },
    );
    expect(asked, r.stderr).toBe(true);
    expect(r.code, r.stderr).toBe(5);
    const hint = /^hint: (.*)$/m.exec(r.stderr)?.[1] ?? "";
    expect(hint).toContain(`portico login --profile dev --no-browser --callback-port ${port}`);
    expect(hint).toContain("ask your administrator");
  });
});

/** A port free on 127.0.0.1 right now (the login's loopback listens on it next). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
