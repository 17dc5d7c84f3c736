/**
 * A person and the real AWS CLI v2 (/usr/bin/aws 2.9.19): `aws sso login --no-browser` prints the
 * verification URL and a code; the person signs in to the emulator's pages in Chromium, TYPES the
 * code, allows access; the CLI finishes, and `aws sts get-caller-identity` answers with the person's
 * assumed role. The same person then opens that role's console from the access portal.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORDS, type RunningEmulator, startEmulator } from "../../emulator/index";
import { AWS_CLI, awsClientEnv, runAwsCli } from "../helpers/aws-clients";
import { ARTIFACTS, launchChromium } from "../helpers/browser";
import { tempHome } from "../helpers/emulator";
import { missing } from "../helpers/tools";

const skip = missing("chromium", "aws");

describe.skipIf(skip)("AWS CLI device login approved by a person in Chromium", () => {
  let emu: RunningEmulator;
  let browser: Browser;
  let home: { home: string; cleanup(): Promise<void> };
  let env: NodeJS.ProcessEnv;
  let cli: ChildProcessWithoutNullStreams | undefined;

  beforeAll(async () => {
    emu = await startEmulator({ seed: "demo" });
    home = await tempHome();
    env = await awsClientEnv(home.home, emu.url);
    await mkdir(join(home.home, ".aws"), { recursive: true, mode: 0o700 });
    await writeFile(
      join(home.home, ".aws", "config"),
      [
        "[profile sandbox-viewer]",
        "sso_session = acme",
        "sso_account_id = 444444444444",
        "sso_role_name = ViewOnlyAccess",
        `region = ${emu.region}`,
        "",
        "[sso-session acme]",
        `sso_start_url = ${emu.startUrl}`,
        `sso_region = ${emu.region}`,
        "sso_registration_scopes = sso:account:access",
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    if (cli && cli.exitCode === null) cli.kill("SIGKILL");
    await browser?.close();
    await emu?.stop();
    await home?.cleanup();
  });

  it("aws sso login --no-browser → sign in, type the code, allow → get-caller-identity is bob's role", async () => {
    cli = spawn(AWS_CLI, ["sso", "login", "--profile", "sandbox-viewer", "--no-browser"], { env });
    let output = "";
    cli.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    cli.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    const exited = new Promise<number>((resolve) => cli!.on("exit", (code) => resolve(code ?? -1)));

    // The CLI prints the verification URL and the code, then polls.
    const deadline = Date.now() + 30_000;
    const pattern = /(http:\/\/\S+\/device)\s[\s\S]*?\b([B-Z]{4}-[B-Z]{4})\b/;
    let match = pattern.exec(output);
    while (!match && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      match = pattern.exec(output);
    }
    expect(match, `CLI output so far:\n${output}`).not.toBeNull();
    const [, verificationUri, userCode] = match!;

    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(verificationUri!);
    await page.getByLabel("Username").fill("bob");
    await page.getByLabel("Password").fill(DEMO_PASSWORDS["bob"]!);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Code").waitFor();
    await page.getByLabel("Code").pressSequentially(userCode!, { delay: 15 });
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("heading", { name: /^Allow botocore-client-acme to access your data\?$/ }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "10-aws-cli-device-confirm.png"), fullPage: true });
    await page.getByRole("button", { name: "Allow access" }).click();
    await page.getByRole("heading", { name: "Request approved" }).waitFor();

    expect(await exited, output).toBe(0);
    expect(output).toContain(`Successfully logged into Start URL: ${emu.startUrl}`);

    const me = await runAwsCli(
      ["sts", "get-caller-identity", "--profile", "sandbox-viewer", "--output", "json"],
      env,
    );
    expect(me.code, me.stderr).toBe(0);
    expect(JSON.parse(me.stdout).Arn).toMatch(
      /^arn:aws:sts::444444444444:assumed-role\/AWSReservedSSO_ViewOnlyAccess_[0-9a-f]{16}\/bob$/,
    );

    // Same person, same role, through the portal's console link.
    await page.goto(`${emu.url}/start`);
    const sandbox = page.locator("details.account").filter({ hasText: "acme-sandbox" });
    await sandbox.locator("summary").click();
    const [consolePage] = await Promise.all([
      context.waitForEvent("page"),
      sandbox
        .locator(".role", { hasText: "ViewOnlyAccess" })
        .getByRole("link", { name: "Management console" })
        .click(),
    ]);
    await consolePage.getByRole("heading", { name: "Console Home" }).waitFor();
    expect(await consolePage.locator("dl.kv").textContent()).toMatch(
      /arn:aws:sts::444444444444:assumed-role\/AWSReservedSSO_ViewOnlyAccess_[0-9a-f]{16}\/bob/,
    );
    await context.close();
  });
});
