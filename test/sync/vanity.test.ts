/**
 * Vanity start URLs (docs/reference.md §3.5): the host rules, and against the emulator's `/vanity`
 * route (a non-AWS host answering HEAD with one redirect to the instance's AWS start URL): the URL is
 * resolved for the service while the token stays keyed and stored as configured, as AWS CLI ≥ 2.35 does;
 * `portico login` signs in with a vanity sso_start_url.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { sha1Hex } from "../../src/sso/cache";
import { isAwsStartHost, regionFromStartHost, resolveStartUrl } from "../../src/sso/start-url";
import { runCli } from "../cli/support";
import { rejection, testEnv, writeConfig } from "../credentials/support";
import { tempHome, withEmulator } from "../helpers/emulator";

describe("start-URL hosts", () => {
  it("AWS-owned hosts, and the region some of them name", () => {
    for (const h of [
      "d-1234567890.awsapps.com",
      "acme.awsapps.com",
      "ssoins-1.portal.eu-west-1.app.aws",
      "identitycenter.amazonaws.com",
    ])
      expect(isAwsStartHost(h)).toBe(true);
    for (const h of ["sso.example.com", "awsapps.com.evil.example", "127.0.0.1"])
      expect(isAwsStartHost(h)).toBe(false);
    expect(regionFromStartHost("ssoins-7223abc.portal.us-east-2.app.aws")).toBe("us-east-2");
    expect(regionFromStartHost("d-1234567890.awsapps.com")).toBeUndefined();
  });
});

describe("a vanity start URL against the emulator", () => {
  it("resolves with one HEAD to the AWS-owned URL; refuses a host that does not redirect to one", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const env = { AWS_ENDPOINT_URL: emu.url };
      expect(await resolveStartUrl(`${emu.url}/vanity`, env)).toEqual({
        url: "https://d-0000000000.awsapps.com/start",
        vanity: true,
      });
      const e = await rejection(resolveStartUrl(`${emu.url}/not-a-vanity-route`, env));
      expect(e.code).toBe("start_url_unresolved");
      // Plain http is accepted only under the configured endpoint.
      expect((await rejection(resolveStartUrl(`${emu.url}/vanity`, {}))).code).toBe("start_url_not_https");
      expect(emu.requests().filter((r) => r.operation === "Vanity").length).toBe(1);
    });
  });

  it("portico login signs in with a vanity sso_start_url; the token is keyed and stored as configured", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const h = await tempHome();
      try {
        const env = testEnv(h.home, emu.url);
        const vanity = `${emu.url}/vanity`;
        await writeConfig(
          h.home,
          `[sso-session acme]\nsso_start_url = ${vanity}\nsso_region = eu-north-1\nsso_registration_scopes = sso:account:access\n`,
        );
        const r = await runCli(["login", "--sso-session", "acme", "--device-code", "--no-browser"], env);
        expect(r.code, r.stderr).toBe(0);
        const token = JSON.parse(
          await readFile(path.join(h.home, ".aws", "sso", "cache", `${sha1Hex("acme")}.json`), "utf8"),
        );
        expect(token.startUrl).toBe(vanity);
        expect(typeof token.accessToken).toBe("string");
      } finally {
        await h.cleanup();
      }
    });
  });
});

describe("region hints when the sign-in is refused (the emulator in eu-north-1, the client sent to eu-west-1)", () => {
  // As AWS routes a client whose region is eu-west-1: that region's endpoint, where this instance's
  // start URL is unknown (invalid_grant), while the vanity route stays on the emulator's own origin.
  const wrongRegion = (url: string) => ({ AWS_ENDPOINT_URL_SSO_OIDC: `${url}/region/eu-west-1` });

  it("setup: a region derived from the vanity URL's redirect — which was tried, how it was chosen, how to find and set the right one", async () => {
    const host = "ssoins-72239e8f1a2b3c4d.portal.eu-west-1.app.aws";
    await withEmulator(
      {
        accounts: 1,
        rolesPerAccount: 1,
        autoApprove: "alice",
        startUrl: `https://${host}`,
        region: "eu-north-1",
      },
      async (emu) => {
        const h = await tempHome();
        try {
          const env = { ...testEnv(h.home, emu.url), ...wrongRegion(emu.url) };
          const vanity = `${emu.url}/vanity`;
          const r = await runCli(["setup", vanity, "--device-code", "--yes", "--no-shell"], env);
          expect(r.code, r.stderr).toBe(3);
          expect(r.stderr).toContain("Sign-in was refused (invalid_grant)");
          expect(r.stderr).toContain(
            `the region tried was eu-west-1, from the host ${host} that ${vanity} redirects to.`,
          );
          expect(r.stderr).toMatch(
            /^hint: The right region is the one IAM Identity Center runs in: .*portal\.<region>\.app\.aws/m,
          );
          expect(r.stderr).toContain(
            `Then run: portico setup ${vanity} --sso-region '<region>' --device-code --no-shell`,
          );
          // The hint's command, with the instance's region, signs in.
          const ok = await runCli(
            ["setup", vanity, "--sso-region", "eu-north-1", "--device-code", "--yes", "--no-shell"],
            testEnv(h.home, emu.url),
          );
          expect(ok.code, ok.stderr).toBe(0);
        } finally {
          await h.cleanup();
        }
      },
    );
  });

  it("setup: a region given with --sso-region", async () => {
    await withEmulator({ accounts: 1, rolesPerAccount: 1, autoApprove: "alice" }, async (emu) => {
      const h = await tempHome();
      try {
        const env = { ...testEnv(h.home, emu.url), ...wrongRegion(emu.url) };
        const url = "https://d-0000000000.awsapps.com/start";
        const r = await runCli(["setup", url, "--sso-region", "eu-west-1", "--device-code", "--yes"], env);
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toContain(
          "wrong sso_region (eu-west-1) or sso_start_url (https://d-0000000000.awsapps.com/start)",
        );
        expect(r.stderr).toContain("the region tried was eu-west-1, given with --sso-region.");
        expect(r.stderr).toContain(`Then run: portico setup ${url} --sso-region '<region>' --device-code`);
      } finally {
        await h.cleanup();
      }
    });
  });

  it("login: sso_region from the config, and the start URL's host names another region", async () => {
    const APP = "https://ssoins-72239e8f1a2b3c4d.portal.eu-north-1.app.aws";
    await withEmulator({ seed: "demo", autoApprove: "alice", startUrl: APP }, async (emu) => {
      const h = await tempHome();
      try {
        const env = { ...testEnv(h.home, emu.url), ...wrongRegion(emu.url) };
        await writeConfig(
          h.home,
          `[sso-session acme]\nsso_start_url = ${APP}\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n`,
        );
        const r = await runCli(["login", "--sso-session", "acme", "--device-code", "--no-browser"], env);
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toContain(
          "the region tried was eu-west-1, from sso_region in [sso-session acme]. The start URL's host ssoins-72239e8f1a2b3c4d.portal.eu-north-1.app.aws names eu-north-1.",
        );
        expect(r.stderr).toContain("Then run: portico configure sso-session acme");
      } finally {
        await h.cleanup();
      }
    });
  });
});
