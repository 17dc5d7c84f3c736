/**
 * The admin walkthrough (docs/admin.md) ending in the access-portal web pages in real Chromium
 * (playwright-core + /usr/bin/chromium): `portico admin` creates a user, a group and a ViewOnlyAccess
 * permission set, assigns group + set to an account by its name and adds the user to the group; the
 * user follows the invitation link (the e-mail the service sends a new user, via the emulator's control
 * API), sets a password, signs in to the emulator's access portal, which lists the account; the
 * console link opens a console page naming the account and the role; the credentials view shows the
 * three export lines, and those credentials are the user's ViewOnlyAccess role (STS GetCallerIdentity).
 */

import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminFixture, guideSteps } from "../admin/support";
import { ARTIFACTS, launchChromium } from "../helpers/browser";
import { missing } from "../helpers/tools";

const ACCOUNT = "444455556666";
const PASSWORD = "walkthrough-Pass-1";

describe.skipIf(missing("chromium"))("the admin walkthrough, then the access portal in Chromium", () => {
  const fx = adminFixture(
    [
      { accountId: ACCOUNT, accountName: "workloads" },
      { accountId: "777788889999", accountName: "other" },
    ],
    { control: true },
  );
  let browser: Browser;

  const visible = (l: Locator) => l.first().waitFor({ state: "visible", timeout: 10_000 });
  const text = async (l: Locator) => {
    await visible(l);
    return ((await l.first().textContent()) ?? "").trim();
  };
  const shot = (p: Page, name: string) =>
    p.screenshot({ path: join(ARTIFACTS, `admin-${name}.png`), fullPage: true });
  const admin = async (...args: string[]) => {
    const r = await fx.admin(...args);
    expect(r.code, `admin ${args.join(" ")}: ${r.stderr}`).toBe(0);
    return r;
  };

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("admin commands, invitation, sign-in, portal, console, credentials", async () => {
    // The guide's admin steps, one command each.
    for (const step of Object.values(guideSteps("workloads"))) await admin(...step);

    // The invitation e-mail, as the control API's link.
    const invite = await fetch(`${fx.emu.url}/_emulator/invite`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "jane" }),
    });
    expect(invite.status).toBe(200);
    const { url } = (await invite.json()) as { url: string };
    expect(url).toMatch(new RegExp(`^${fx.emu.url}/invitation\\?token=[\\w-]{43}$`));

    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    context.setDefaultTimeout(10_000);
    try {
      const page = await context.newPage();
      await page.goto(url);
      await visible(page.getByRole("heading", { name: "Set up your password" }));
      await page.getByLabel("New password").fill(PASSWORD);
      await page.getByLabel("Confirm password").fill("something else");
      await page.getByRole("button", { name: "Set new password" }).click();
      expect(await text(page.getByRole("alert"))).toBe("The passwords do not match.");
      await page.getByLabel("New password").fill(PASSWORD);
      await page.getByLabel("Confirm password").fill(PASSWORD);
      await shot(page, "01-set-password");
      await page.getByRole("button", { name: "Set new password" }).click();
      await page.waitForURL(`${fx.emu.url}/start`);
      // Single use: the link is spent.
      const again = await context.newPage();
      await again.goto(url);
      await visible(again.getByRole("heading", { name: "This invitation is no longer valid" }));
      await again.close();

      // Sign out, then sign in with the new password as a user would the next day.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/signin\?signed_out=1$/);
      await page.getByLabel("Username").fill("jane");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${fx.emu.url}/start`);

      // The portal lists the one account jane can use (through the group), with the role.
      const accounts = page.locator("details.account");
      expect(await accounts.count()).toBe(1);
      expect(await text(accounts.locator(".acct-name"))).toBe("workloads");
      expect(await text(accounts.locator(".acct-meta"))).toContain(ACCOUNT);
      const role = accounts.locator(".role", { hasText: "ViewOnlyAccess" });
      await visible(role);
      await shot(page, "02-portal");

      // Management console: federation sign-in → the console page naming the account and the role.
      const [consolePage] = await Promise.all([
        context.waitForEvent("page"),
        role.getByRole("link", { name: "Management console" }).click(),
      ]);
      await consolePage.waitForURL(`${fx.emu.url}/console`);
      await visible(consolePage.getByRole("heading", { name: "Console Home" }));
      const details = await text(consolePage.locator("dl.kv"));
      expect(details).toContain(`workloads (${ACCOUNT})`);
      expect(details).toContain("ViewOnlyAccess");
      expect(details).toMatch(
        new RegExp(`arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_ViewOnlyAccess_[0-9a-f]{16}/jane`),
      );
      await shot(consolePage, "03-console");
      await consolePage.close();

      // Command line or programmatic access: the three export lines.
      await role.getByRole("link", { name: "Command line or programmatic access" }).click();
      await visible(page.getByRole("heading", { name: "Get credentials for ViewOnlyAccess" }));
      const bash = (await page.locator("#env-bash").textContent()) ?? "";
      const lines = bash.trim().split("\n");
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^export AWS_ACCESS_KEY_ID="ASIA[A-Z0-9]{16}"$/);
      expect(lines[1]).toMatch(/^export AWS_SECRET_ACCESS_KEY="[^"]+"$/);
      expect(lines[2]).toMatch(/^export AWS_SESSION_TOKEN="[^"]+"$/);
      await shot(page, "04-credentials");
      const value = (i: number) => /="([^"]+)"$/.exec(lines[i]!)![1]!;
      const sts = new STSClient({
        endpoint: fx.emu.url,
        region: fx.emu.region,
        credentials: { accessKeyId: value(0), secretAccessKey: value(1), sessionToken: value(2) },
      });
      try {
        const me = await sts.send(new GetCallerIdentityCommand({}));
        expect(me.Account).toBe(ACCOUNT);
        expect(me.Arn).toMatch(/:assumed-role\/AWSReservedSSO_ViewOnlyAccess_[0-9a-f]{16}\/jane$/);
      } finally {
        sts.destroy();
      }
    } finally {
      await context.close();
    }
  });
});
