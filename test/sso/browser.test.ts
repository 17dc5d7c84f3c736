/**
 * `portico login` with a person in real Chromium (playwright-core + /usr/bin/chromium) on the
 * emulator's pages: PKCE — portico's authorize URL → sign in → consent → portico's 127.0.0.1
 * callback page; device code — the printed verification URL → sign in → Allow. BROWSER is a script
 * that records the URL portico opens; Chromium then visits exactly that URL.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORDS } from "../../emulator/index";
import { openBrowser } from "../../src/platform/browser";
import { parseToken, tokenFilePath } from "../../src/sso/cache";
import { login } from "../../src/sso/login";
import { ARTIFACTS, launchChromium } from "../helpers/browser";
import { tempHome, withEmulator } from "../helpers/emulator";
import { missing } from "../helpers/tools";
import { depsFor, recordingBrowser, sessionFor } from "./support";

describe.skipIf(missing("chromium"))("portico login with a person in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function signInAsAlice(page: Page) {
    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password").fill(DEMO_PASSWORDS["alice"]!);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  async function waitForFile(file: string): Promise<string> {
    for (let i = 0; i < 600; i++) {
      const t = await fs.readFile(file, "utf8").catch(() => "");
      if (t) return t;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("portico never opened the browser");
  }

  it("PKCE: consent page → portico's loopback callback page → token cached", async () => {
    const { home, cleanup } = await tempHome();
    try {
      await withEmulator({ seed: "demo" }, async (emu) => {
        const urlFile = path.join(home, "opened-url");
        const deps = depsFor(home, emu, { BROWSER: recordingBrowser(urlFile) });
        const session = sessionFor(emu);
        const out: string[] = [];
        const done = login(
          { ...deps, print: (t) => out.push(t), openBrowser: (u) => openBrowser(u, deps.env) },
          session,
          { flow: "pkce", timeoutMs: 60_000 },
        );
        const url = await waitForFile(urlFile);
        expect(out.join("")).toContain(url); // the URL printed is the URL opened
        const ctx = await browser.newContext();
        const page = await ctx.newPage();
        try {
          await page.goto(url);
          await signInAsAlice(page);
          await page
            .getByRole("heading", { name: "Allow botocore-client-my-sso to access your data?" })
            .waitFor();
          await page.getByRole("button", { name: "Allow access" }).click();
          await page.getByRole("heading", { name: "Signed in to AWS" }).waitFor();
          expect(new URL(page.url()).hostname).toBe("127.0.0.1");
          await page.screenshot({ path: path.join(ARTIFACTS, "sso-pkce-callback.png") });
        } finally {
          await ctx.close();
        }
        const r = await done;
        expect(r.flow).toBe("pkce");
        const cached = parseToken(await fs.readFile(tokenFilePath(deps.paths.ssoCacheDir, session), "utf8"));
        expect(cached.status).toBe("ok");
      });
    } finally {
      await cleanup();
    }
  }, 90_000);

  it("device code: verification page with the code pre-filled → Allow → token cached", async () => {
    const { home, cleanup } = await tempHome();
    try {
      await withEmulator({ seed: "demo" }, async (emu) => {
        const urlFile = path.join(home, "opened-url");
        const deps = depsFor(home, emu, { BROWSER: recordingBrowser(urlFile) });
        const session = sessionFor(emu);
        const out: string[] = [];
        const done = login(
          { ...deps, print: (t) => out.push(t), openBrowser: (u) => openBrowser(u, deps.env) },
          session,
          { flow: "device", timeoutMs: 60_000 },
        );
        const url = await waitForFile(urlFile);
        const code = /enter the code:\n\n(\S+)/.exec(out.join(""))?.[1];
        expect(url).toBe(`${emu.url}/device?user_code=${code}`);
        const ctx = await browser.newContext();
        const page = await ctx.newPage();
        try {
          await page.goto(url);
          await signInAsAlice(page);
          await page
            .getByRole("button", { name: /Next|Allow access/ })
            .first()
            .waitFor();
          if (await page.getByRole("button", { name: "Next" }).count())
            await page.getByRole("button", { name: "Next" }).click();
          await page.getByRole("button", { name: "Allow access" }).click();
          await page.getByRole("heading", { name: "Request approved" }).waitFor();
        } finally {
          await ctx.close();
        }
        expect((await done).flow).toBe("device");
        expect(
          parseToken(await fs.readFile(tokenFilePath(deps.paths.ssoCacheDir, session), "utf8")).status,
        ).toBe("ok");
      });
    } finally {
      await cleanup();
    }
  }, 90_000);
});
