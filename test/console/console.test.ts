/**
 * `portico console` end to end: role credentials from the emulator → its federation getSigninToken →
 * the printed URL, followed in real Chromium (logout step → federation login → console page naming the
 * account and role); the link works once; logout-first ends an earlier console session. Failure paths:
 * a destination that is not a console URL, --duration out of range, long-term keys, GovCloud/China, a
 * browser that cannot open (the URL is printed).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { consoleBrowserArgv } from "../../src/console/open";
import { defaultDuration, destinationUrl, parseDuration, portalShortcutUrl } from "../../src/console/url";
import { runCli } from "../cli/support";
import { demoConfig, deviceSignIn, testEnv, writeConfig } from "../credentials/support";
import { launchChromium } from "../helpers/browser";
import { tempHome } from "../helpers/emulator";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
let browser: Browser;

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = { ...testEnv(home.home, emu.url), PORTICO_SIGNIN_URL: emu.url };
  await writeConfig(
    home.home,
    demoConfig(`
[profile iam-user]
aws_access_key_id = AKIAIAMUSEREXAMPLE
aws_secret_access_key = secret
region = eu-west-1

[profile gov]
sso_session = acme
sso_account_id = 333333333333
sso_role_name = PowerUserAccess
region = us-gov-west-1
`),
  );
  await deviceSignIn(env, "acme");
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await emu?.stop();
  await home?.cleanup();
});

async function printed(profile: string, extra: string[] = []): Promise<string> {
  const r = await runCli(["console", "--profile", profile, "--print", ...extra], env);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.split("\n");
  expect(lines).toHaveLength(2); // the URL alone, one line
  return lines[0]!;
}

describe("console in Chromium", () => {
  it("the printed URL signs in once (logout → login → console naming account and role), then is refused", async () => {
    const url = await printed("dev", ["--destination", "s3"]);
    expect(url.startsWith(`${emu.url}/oauth?Action=logout&redirect_uri=`)).toBe(true);
    expect(url).not.toMatch(/secret|sessionKey/i);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const first = await page.goto(url);
      expect(first?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe("/console");
      const text = await page.textContent("body");
      expect(text).toContain("333333333333");
      expect(text).toContain("PowerUserAccess");
      expect(text).toContain("https://s3.console.aws.amazon.com/s3/home?region=eu-north-1");
      const again = await page.goto(url);
      expect(again?.status()).toBe(403);
      expect(await page.textContent("body")).toContain("Sign-in link expired");
    } finally {
      await context.close();
    }
  }, 60_000);

  it("logout-first replaces an earlier console session in the same browser", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(await printed("dev"));
      const before = (await context.cookies()).find((c) => c.name === "portico_console")?.value;
      expect(before).toBeTruthy();
      await page.goto(await printed("admin"));
      const body = await page.textContent("body");
      expect(body).toContain("111111111111");
      expect(body).toContain("AdministratorAccess");
      const after = (await context.cookies()).find((c) => c.name === "portico_console")?.value;
      expect(after).toBeTruthy();
      expect(after).not.toBe(before);
      // The earlier console session is over on the server, not merely shadowed by a new cookie.
      const old = await fetch(`${emu.url}/console`, { headers: { cookie: `portico_console=${before}` } });
      expect(old.status).toBe(401);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("plain HTTP: following the redirects by hand lands on the console page", async () => {
    const url = await printed("dev", ["--no-logout-first"]);
    expect(url.startsWith(`${emu.url}/federation?Action=login&`)).toBe(true);
    const r1 = await fetch(url, { redirect: "manual" });
    expect(r1.status).toBe(302);
    const cookie = (r1.headers.get("set-cookie") ?? "").split(";")[0]!;
    const r2 = await fetch(new URL(r1.headers.get("location")!, emu.url), { headers: { cookie } });
    expect(r2.status).toBe(200);
    expect(await r2.text()).toContain("333333333333");
  });
});

describe("console failures", () => {
  it("a destination that is not an AWS console URL is refused (exit 2), nothing on stdout", async () => {
    for (const d of [
      "https://evil.example.com/",
      "http://console.aws.amazon.com/",
      "https://console.aws.amazon.com.evil.io/",
      "javascript:alert(1)",
    ]) {
      const r = await runCli(["console", "--profile", "dev", "--print", "--destination", d], env);
      expect(r.code, d).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("Refusing the console destination");
    }
  });
  it("--duration out of range (exit 2)", async () => {
    for (const d of ["5m", "13h", "899"]) {
      const r = await runCli(["console", "--profile", "dev", "--print", "--duration", d], env);
      expect(r.code, d).toBe(2);
      expect(r.stderr).toContain("--duration must be between 15m and 12h");
    }
    const bad = await runCli(["console", "--profile", "dev", "--print", "--duration", "soon"], env);
    expect(bad.code).toBe(2);
  });
  it("long-term IAM user keys: says it cannot, and what to do (exit 3)", async () => {
    const r = await runCli(["console", "--profile", "iam-user", "--print"], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("long-term IAM user keys");
    expect(r.stderr).toContain("role_arn and source_profile = iam-user");
  });
  it("GovCloud / China regions are refused by name (exit 3)", async () => {
    const r = await runCli(["console", "--profile", "gov", "--print"], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("AWS GovCloud (US)");
    const cn = await runCli(["console", "--profile", "dev", "--print", "--region", "cn-north-1"], env);
    expect(cn.code).toBe(3);
    expect(cn.stderr).toContain("AWS China");
  });
  it("a browser that cannot open: the URL is printed on stdout", async () => {
    const r = await runCli(["console", "--profile", "dev"], { ...env, BROWSER: "/nonexistent/browser" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Could not open a browser");
    expect(r.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\?Action=logout&redirect_uri=\S+\n$/);
  });
  it("rejected credentials at the federation endpoint: console_federation_failed", async () => {
    const other = await startEmulator({ seed: "demo" });
    try {
      const r = await runCli(["console", "--profile", "dev", "--print"], {
        ...env,
        PORTICO_SIGNIN_URL: other.url,
      });
      expect(r.code).toBe(5);
      expect(r.stderr).toContain("refused the sign-in token request (HTTP 403)");
      expect(r.stderr).not.toMatch(/sessionKey|SecretAccessKey/);
    } finally {
      await other.stop();
    }
  });
});

describe("console URL pieces", () => {
  it("service shortcuts and URLs", () => {
    expect(destinationUrl("ec2", "eu-west-1")).toBe(
      "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1",
    );
    expect(destinationUrl("iam", "eu-west-1")).toBe("https://console.aws.amazon.com/iam/home");
    expect(destinationUrl(undefined, "us-east-2")).toBe(
      "https://us-east-2.console.aws.amazon.com/console/home?region=us-east-2",
    );
    expect(destinationUrl("https://eu-west-1.console.aws.amazon.com/lambda/home", "x")).toBe(
      "https://eu-west-1.console.aws.amazon.com/lambda/home",
    );
  });
  it("durations", () => {
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("900")).toBe(900);
    expect(parseDuration("12h")).toBe(43200);
    const now = new Date("2026-01-01T00:00:00Z");
    expect(defaultDuration(new Date("2026-01-01T00:05:00Z"), now)).toBe(900);
    expect(defaultDuration(new Date("2026-01-01T02:00:00Z"), now)).toBe(7200);
    expect(defaultDuration(new Date("2026-01-02T02:00:00Z"), now)).toBe(43200);
  });
  it("multi-session portal link", () => {
    expect(
      portalShortcutUrl(
        "https://d-1.awsapps.com/start/",
        "111111111111",
        "Admin",
        "https://console.aws.amazon.com/",
      ),
    ).toBe(
      "https://d-1.awsapps.com/start/#/console?account_id=111111111111&role_name=Admin&destination=https%3A%2F%2Fconsole.aws.amazon.com%2F",
    );
  });
  it("browser profiles: Chromium --profile-directory, Firefox -P, Firefox containers", () => {
    const u = "https://signin.aws.amazon.com/x";
    expect(consoleBrowserArgv(u, { BROWSER: "chromium" }, "linux", "Profile 2")).toEqual([
      "chromium",
      "--profile-directory=Profile 2",
      u,
    ]);
    expect(consoleBrowserArgv(u, { BROWSER: "/usr/bin/firefox" }, "linux", "work")).toEqual([
      "/usr/bin/firefox",
      "-P",
      "work",
      u,
    ]);
    expect(consoleBrowserArgv(u, { BROWSER: "firefox" }, "linux", "container:prod")).toEqual([
      "firefox",
      `ext+container:name=prod&url=${encodeURIComponent(u)}`,
    ]);
    expect(() => consoleBrowserArgv(u, {}, "linux", "work")).toThrow(/needs BROWSER/);
    expect(consoleBrowserArgv(u, {}, "linux")).toEqual(["xdg-open", u]);
  });
});
