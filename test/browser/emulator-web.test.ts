/**
 * The emulator's web pages in real Chromium (playwright-core + Debian's /usr/bin/chromium): sign-in,
 * device approval by typing the code, denial, PKCE consent ending at a real loopback redirect server,
 * the access portal's credentials and console views, and the console landing page. Screenshots go to
 * test-artifacts/browser/. One browser for the whole file; one context (cookie jar) per user.
 */

import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORDS, type RunningEmulator, startEmulator } from "../../emulator/index";
import { ARTIFACTS, launchChromium } from "../helpers/browser";
import { missing } from "../helpers/tools";

const skip = missing("chromium");

describe.skipIf(skip)("emulator web pages in Chromium", () => {
  let emu: RunningEmulator;
  let browser: Browser;
  let alice: BrowserContext;
  let page: Page;
  let oidc: SSOOIDCClient;

  /** Waits until the element is shown (playwright-core has no test-runner matchers). */
  const visible = (l: Locator) => l.first().waitFor({ state: "visible", timeout: 10_000 });
  const text = async (l: Locator) => {
    await visible(l);
    return ((await l.first().textContent()) ?? "").trim();
  };
  const shot = (p: Page, name: string) =>
    p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    emu = await startEmulator({ seed: "demo" });
    oidc = new SSOOIDCClient({ endpoint: emu.url, region: emu.region, maxAttempts: 1 });
    browser = await launchChromium();
    alice = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    alice.setDefaultTimeout(10_000);
    page = await alice.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    oidc?.destroy();
    await emu?.stop();
  });

  async function startDevice(clientName: string) {
    const reg = await oidc.send(
      new RegisterClientCommand({ clientName, clientType: "public", scopes: ["sso:account:access"] }),
    );
    const dev = await oidc.send(
      new StartDeviceAuthorizationCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        startUrl: emu.startUrl,
      }),
    );
    const token = () =>
      oidc.send(
        new CreateTokenCommand({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          grantType: "urn:ietf:params:oauth:grant-type:device_code",
          deviceCode: dev.deviceCode,
        }),
      );
    return { dev, token };
  }

  it("signs in: a wrong password is refused, the right one opens the portal", async () => {
    await page.goto(`${emu.url}/start`);
    expect(new URL(page.url()).pathname).toBe("/signin");
    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await text(page.getByRole("alert"))).toBe("Incorrect username or password.");
    await shot(page, "01-signin-error");
    expect(await page.getByLabel("Username").inputValue()).toBe("alice");
    await page.getByLabel("Password").fill(DEMO_PASSWORDS["alice"]!);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${emu.url}/start`);
    await visible(page.getByRole("heading", { name: "AWS access portal" }));
    const cookies = await alice.cookies(emu.url);
    expect(cookies.find((c) => c.name === "portico_session")).toMatchObject({
      httpOnly: true,
      sameSite: "Lax",
      path: "/",
    });
  });

  it("approves a device code typed by hand; the SDK's CreateToken then succeeds", async () => {
    const { dev, token } = await startDevice("botocore-client-dev");
    await expect(token()).rejects.toMatchObject({ name: "AuthorizationPendingException" });
    await page.goto(dev.verificationUri!);
    await shot(page, "02-device-enter-code");
    await page.getByLabel("Code").pressSequentially(dev.userCode!.toLowerCase(), { delay: 10 });
    await page.getByRole("button", { name: "Next" }).click();
    await visible(page.getByRole("heading", { name: "Allow botocore-client-dev to access your data?" }));
    expect(await text(page.getByLabel("Code"))).toBe(dev.userCode!);
    await shot(page, "03-device-confirm");
    await page.getByRole("button", { name: "Allow access" }).click();
    await visible(page.getByRole("heading", { name: "Request approved" }));
    await shot(page, "04-device-approved");
    const out = await token();
    expect(out.accessToken).toBeTruthy();
  });

  it("denies a device code (pre-filled link): CreateToken answers AccessDeniedException", async () => {
    const { dev, token } = await startDevice("suspicious-tool");
    await page.goto(dev.verificationUriComplete!);
    await visible(page.getByRole("heading", { name: "Allow suspicious-tool to access your data?" }));
    await page.getByRole("button", { name: "Deny" }).click();
    await visible(page.getByRole("heading", { name: "Request denied" }));
    // Re-opening the link before the app polls: the decision stands.
    await page.goto(dev.verificationUriComplete!);
    await visible(page.getByRole("heading", { name: "This code has already been used" }));
    await shot(page, "04b-device-used");
    await expect(token()).rejects.toMatchObject({ name: "AccessDeniedException" });
    // After the app has polled, the code is gone.
    await page.goto(dev.verificationUriComplete!);
    expect(await text(page.getByRole("alert"))).toContain("not recognised");
  });

  it("PKCE consent: Allow sends the code to a real loopback server; CreateToken with the verifier succeeds", async () => {
    const received: URL[] = [];
    const callback: Server = createServer((req, res) => {
      received.push(new URL(req.url ?? "/", "http://127.0.0.1"));
      res.writeHead(200, { "content-type": "text/html" });
      res.end(
        "<!doctype html><title>Signed in</title><h1>Sign in complete</h1><p>You can close this window.</p>",
      );
    });
    await new Promise<void>((resolve) => callback.listen(0, "127.0.0.1", resolve));
    try {
      const port = (callback.address() as AddressInfo).port;
      const redirectUri = `http://127.0.0.1:${port}/oauth/callback`;
      const reg = await oidc.send(
        new RegisterClientCommand({
          clientName: "botocore-client-pkce",
          clientType: "public",
          scopes: ["sso:account:access"],
          grantTypes: ["authorization_code", "refresh_token"],
          redirectUris: ["http://127.0.0.1/oauth/callback"],
          issuerUrl: emu.startUrl,
        }),
      );
      const verifier = randomBytes(48).toString("base64url").slice(0, 64);
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      const state = "b1c7e0d2-5a4e-4d4e-9f57-3c1d2e7a9b10";
      const query = new URLSearchParams({
        response_type: "code",
        client_id: reg.clientId!,
        redirect_uri: redirectUri,
        state,
        code_challenge_method: "S256",
        scopes: "sso:account:access",
        code_challenge: challenge,
      });
      await page.goto(`${emu.url}/authorize?${query}`);
      await visible(page.getByRole("heading", { name: "Allow botocore-client-pkce to access your data?" }));
      await visible(page.getByText("sso:account:access"));
      await shot(page, "05-pkce-consent");
      await page.getByRole("button", { name: "Allow access" }).click();
      await page.waitForURL((u) => u.port === String(port));
      await visible(page.getByRole("heading", { name: "Sign in complete" }));
      const hit = received.find((u) => u.pathname === "/oauth/callback");
      expect(hit?.searchParams.get("state")).toBe(state);
      const code = hit?.searchParams.get("code");
      expect(code).toBeTruthy();
      const token = await oidc.send(
        new CreateTokenCommand({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          grantType: "authorization_code",
          code: code!,
          redirectUri,
          codeVerifier: verifier,
        }),
      );
      expect(token.accessToken).toBeTruthy();
      expect(token.refreshToken).toBeTruthy();
    } finally {
      await new Promise((resolve) => callback.close(resolve));
    }
  });

  it("portal: accounts expand to roles; the credentials view shows every format", async () => {
    await page.goto(`${emu.url}/start`);
    const accounts = page.locator("details.account");
    expect(await accounts.count()).toBe(4);
    const production = accounts.filter({ hasText: "acme-production" });
    expect(await production.getByText("AdministratorAccess").isVisible()).toBe(false);
    await production.locator("summary").click();
    await visible(production.getByText("AdministratorAccess"));
    await visible(production.getByText("ViewOnlyAccess"));
    await shot(page, "06-portal");
    await production
      .locator(".role", { hasText: "ViewOnlyAccess" })
      .getByRole("link", { name: "Command line or programmatic access" })
      .click();
    await visible(page.getByRole("heading", { name: "Get credentials for ViewOnlyAccess" }));
    const bash = (await page.locator("#env-bash").textContent()) ?? "";
    const key = /AWS_ACCESS_KEY_ID="(ASIA[A-Z0-9]{16})"/.exec(bash)?.[1];
    const secret = /AWS_SECRET_ACCESS_KEY="([^"]+)"/.exec(bash)?.[1];
    const sessionToken = /AWS_SESSION_TOKEN="([^"]+)"/.exec(bash)?.[1];
    expect(key && secret && sessionToken).toBeTruthy();
    expect(emu.store.verifyCredentials(key!, secret!, sessionToken!)).toBe(true);
    expect((await page.locator("#env-powershell").textContent()) ?? "").toContain(
      `$Env:AWS_ACCESS_KEY_ID="${key}"`,
    );
    expect((await page.locator("#env-cmd").textContent()) ?? "").toContain(`set AWS_ACCESS_KEY_ID=${key}`);
    expect((await page.locator("#credentials-file").textContent()) ?? "").toContain(
      "[222222222222_ViewOnlyAccess]",
    );
    expect(await text(page.locator("#values"))).toContain(secret!);
    await shot(page, "07-credentials");
  });

  it("portal: Management console opens the federated console landing page", async () => {
    await page.goto(`${emu.url}/start`);
    const sandbox = page.locator("details.account").filter({ hasText: "acme-sandbox" });
    await sandbox.locator("summary").click();
    const [consolePage] = await Promise.all([
      alice.waitForEvent("page"),
      sandbox
        .locator(".role", { hasText: "PowerUserAccess" })
        .getByRole("link", { name: "Management console" })
        .click(),
    ]);
    await consolePage.waitForURL(`${emu.url}/console`);
    await visible(consolePage.getByRole("heading", { name: "Console Home" }));
    const details = consolePage.locator("dl.kv");
    expect(await text(details)).toContain("acme-sandbox (444444444444)");
    expect(await text(details)).toContain("PowerUserAccess");
    expect(await text(details)).toContain("alice");
    expect(await text(details)).toMatch(
      /arn:aws:sts::444444444444:assumed-role\/AWSReservedSSO_PowerUserAccess_[0-9a-f]{16}\/alice/,
    );
    expect(await text(details)).toContain(
      "https://eu-north-1.console.aws.amazon.com/console/home?region=eu-north-1",
    );
    await shot(consolePage, "08-console");
    await consolePage.close();
  });

  it("signs out", async () => {
    await page.goto(`${emu.url}/start`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin\?signed_out=1$/);
    expect(await text(page.getByRole("status"))).toBe("You have been signed out.");
    await page.goto(`${emu.url}/start`);
    expect(new URL(page.url()).pathname).toBe("/signin");
  });
});
