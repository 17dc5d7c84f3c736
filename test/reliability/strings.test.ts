/**
 * Untrusted strings to the terminal (issue 7 defect 7): server text is shown with its control, bidi
 * and separator characters escaped (src/platform/terminal.ts), and the numbers the OIDC service
 * sends are range-checked. Against the emulator seeded with hostile account and role names, a real
 * loopback callback, and a real HTTP endpoint answering hostile numbers to the real SDK client.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { demoSeed, orgFromSeed } from "../../emulator/seeds";
import type { CliContext } from "../../src/cli/context";
import { reportError } from "../../src/cli/main";
import { isPorticoError, type PorticoError } from "../../src/errors";
import { terminalSafe } from "../../src/platform/terminal";
import { login, startLoopback } from "../../src/sso/login";
import { createOidcApi } from "../../src/sso/oidc";
import { runCli } from "../cli/support";
import { demoConfig, deviceSignIn, testEnv, writeConfig } from "../credentials/support";
import { tempHome, withEmulator } from "../helpers/emulator";
import { depsFor, sessionFor } from "../sso/support";

// Every character a terminal acts on, or that reorders text: none may reach the terminal raw.
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const CLEAR = "\x1b[2J\x1b[H";
const OSC8 = "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\";
const TITLE = "\x1b]0;pwned\x07";
const CR = "prod\rSAFE-ACCOUNT";
const BIDI = "acme-\u202eniamod\u202c-prod";
const CSI8 = "x\u009b31mred";

describe("terminalSafe", () => {
  it("escapes C0, DEL, C1, ESC sequences, bidi controls, separators and lone surrogates", () => {
    expect(terminalSafe(CLEAR)).toBe("\\x1b[2J\\x1b[H");
    expect(terminalSafe(OSC8)).toBe("\\x1b]8;;https://evil.example/\\x1b\\click me\\x1b]8;;\\x1b\\");
    expect(terminalSafe(TITLE)).toBe("\\x1b]0;pwned\\x07");
    expect(terminalSafe(CR)).toBe("prod\\x0dSAFE-ACCOUNT");
    expect(terminalSafe(BIDI)).toBe("acme-\\u202eniamod\\u202c-prod");
    expect(terminalSafe(CSI8)).toBe("x\\x9b31mred");
    expect(terminalSafe("a\u2066b\u2069c\u200fd\u061ce\u2028f")).toBe(
      "a\\u2066b\\u2069c\\u200fd\\u061ce\\u2028f",
    );
    expect(terminalSafe("\x00\x7f\t")).toBe("\\x00\\x7f\\x09");
    expect(terminalSafe("lone \ud800 high, lone \udc00 low")).toBe("lone \\ud800 high, lone \\udc00 low");
    for (const s of [CLEAR, OSC8, TITLE, CR, BIDI, CSI8]) expect(terminalSafe(s)).not.toMatch(RAW);
  });

  it("leaves ordinary text, Unicode and emoji alone; keeps \\n only when asked", () => {
    for (const s of ["acme-production", "Ærøskøbing Konto", "日本の口座", "team 🚀 prod", "a=b; c:d [e]"])
      expect(terminalSafe(s)).toBe(s);
    expect(terminalSafe("two\nlines")).toBe("two\\x0alines");
    expect(terminalSafe("two\nlines\x1b[2J", { newlines: true })).toBe("two\nlines\\x1b[2J");
  });
});

describe("hostile names from the portal", () => {
  it("`accounts` prints hostile account and role names escaped (table and stderr)", async () => {
    // The emulator's seed validation keeps names AWS-shaped; a hostile server does not: edit the org.
    const org = orgFromSeed(demoSeed());
    const names = [CLEAR, OSC8, CR, BIDI];
    org.accounts.forEach((a, i) => {
      a.accountName = `${a.accountName}${names[i % names.length]}`;
    });
    const ps = org.permissionSets.find((p) => p.name === "PowerUserAccess")!;
    ps.name = `Power${TITLE}User`;
    await withEmulator({ seed: org, autoApprove: "alice" }, async (emu) => {
      const home = await tempHome();
      try {
        const env = testEnv(home.home, emu.url);
        await writeConfig(home.home, demoConfig());
        await deviceSignIn(env, "acme");
        const r = await runCli(["accounts", "--sso-session", "acme"], env);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).not.toMatch(RAW);
        expect(r.stderr).not.toMatch(RAW);
        // Recognisable, escaped.
        expect(r.stdout).toContain("acme-management\\x1b[2J\\x1b[H");
        expect(r.stdout).toContain("Power\\x1b]0;pwned\\x07User");
        expect(r.stdout).toContain("acme-\\u202eniamod\\u202c-prod");
        // --json is data for programs: JSON escapes C0 itself; the names arrive intact.
        const j = await runCli(["accounts", "--sso-session", "acme", "--json"], env);
        expect(j.code).toBe(0);
        expect(j.stdout).not.toContain("\x1b");
        const parsed = JSON.parse(j.stdout) as { accounts: { accountName: string }[] };
        expect(parsed.accounts.map((a) => a.accountName)).toContain(`acme-management${CLEAR}`);
      } finally {
        await home.cleanup();
      }
    });
  });
});

describe("the loopback callback's error_description", () => {
  it("is escaped and capped in the error a person sees", async () => {
    const loop = await startLoopback(undefined);
    try {
      const q = new URLSearchParams({
        error: `server_error${CLEAR}`,
        error_description: `${CLEAR}${OSC8}${CR}${"x".repeat(2000)}`,
      });
      const res = await fetch(`http://127.0.0.1:${loop.port}/oauth/callback?${q}`);
      expect(res.status).toBe(200);
      const cb = await loop.result;
      expect("error" in cb && cb.description).toContain("\x1b[2J");
    } finally {
      await loop.close();
    }
  });

  it("a hostile PKCE callback ends the login with an escaped message", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const home = await tempHome();
      try {
        const deps = depsFor(home.home, emu);
        const out: string[] = [];
        const e = await login(
          {
            ...deps,
            print: (t) => out.push(t),
            // The "browser": a page that requests the loopback callback with a hostile error.
            openBrowser: async (url) => {
              const cb = new URL(new URL(url).searchParams.get("redirect_uri")!);
              cb.searchParams.set("error", `server_error${CLEAR}`);
              cb.searchParams.set("error_description", `${CLEAR}${TITLE}${CR}${BIDI}${"y".repeat(1000)}`);
              await fetch(cb);
              return true;
            },
          },
          sessionFor(emu),
          { flow: "pkce", timeoutMs: 20_000 },
        ).catch((x: unknown) => x);
        expect(isPorticoError(e)).toBe(true);
        const err = e as PorticoError;
        expect(err.message).toContain("server_error\\x1b[2J");
        expect(err.message).not.toMatch(RAW);
        expect(err.message.length).toBeLessThan(600);
        // What the CLI prints for it.
        let stderr = "";
        reportError(
          { stderr: { write: (s: string) => (stderr += s) }, debug: false } as unknown as CliContext,
          err,
        );
        expect(stderr).not.toMatch(RAW);
        expect(out.join("")).not.toMatch(RAW);
      } finally {
        await home.cleanup();
      }
    });
  });
});

/** A real HTTP endpoint answering every SSO OIDC call with `body` (the real SDK client talks to it). */
async function oidcAnswering(body: Record<string, unknown>) {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

describe("numbers from the OIDC service are range-checked", () => {
  const reg = { clientId: "c", clientSecret: "s" };
  const device = {
    deviceCode: "d",
    userCode: "U",
    verificationUri: "https://device.sso.eu-north-1.amazonaws.com/",
    verificationUriComplete: "https://device.sso.eu-north-1.amazonaws.com/?user_code=U",
  };
  const cases: [
    string,
    Record<string, unknown>,
    "registerClient" | "startDeviceAuthorization" | "createToken",
    RegExp,
  ][] = [
    [
      "clientSecretExpiresAt negative",
      { ...reg, clientSecretExpiresAt: -1 },
      "registerClient",
      /clientSecretExpiresAt/,
    ],
    [
      "clientSecretExpiresAt in ms",
      { ...reg, clientSecretExpiresAt: 1.7e12 },
      "registerClient",
      /clientSecretExpiresAt/,
    ],
    [
      "clientSecretExpiresAt 1e308",
      { ...reg, clientSecretExpiresAt: 1e308 },
      "registerClient",
      /clientSecretExpiresAt/,
    ],
    ["device expiresIn 0", { ...device, expiresIn: 0, interval: 5 }, "startDeviceAuthorization", /expiresIn/],
    [
      "device expiresIn a year",
      { ...device, expiresIn: 31_536_000 },
      "startDeviceAuthorization",
      /expiresIn/,
    ],
    ["interval 0", { ...device, expiresIn: 600, interval: 0 }, "startDeviceAuthorization", /interval/],
    [
      "interval negative",
      { ...device, expiresIn: 600, interval: -5 },
      "startDeviceAuthorization",
      /interval/,
    ],
    [
      "interval a day",
      { ...device, expiresIn: 600, interval: 86_400 },
      "startDeviceAuthorization",
      /interval/,
    ],
    ["token expiresIn negative", { accessToken: "a", expiresIn: -3600 }, "createToken", /expiresIn/],
    ["token expiresIn 1e300", { accessToken: "a", expiresIn: 1e300 }, "createToken", /expiresIn/],
  ];
  it.each(cases)("%s → oidc_bad_response, exit 6", async (_name, body, op, field) => {
    const srv = await oidcAnswering(body);
    try {
      const api = await createOidcApi({ env: { AWS_ENDPOINT_URL: srv.url }, region: "eu-north-1" });
      const call =
        op === "registerClient"
          ? api.registerClient({ clientName: "t", clientType: "public" })
          : op === "startDeviceAuthorization"
            ? api.startDeviceAuthorization({
                clientId: "c",
                clientSecret: "s",
                startUrl: "https://d-1.awsapps.com/start",
              })
            : api.createToken({
                clientId: "c",
                clientSecret: "s",
                grantType: "refresh_token",
                refreshToken: "r",
              });
      const e = await rejection(call);
      expect(isPorticoError(e) && e.code).toBe("oidc_bad_response");
      expect(isPorticoError(e) && e.exitCode).toBe(6);
      expect(String((e as Error).message)).toMatch(field);
    } finally {
      await srv.close();
    }
  });

  it("in-range numbers pass (interval may be absent)", async () => {
    const srv = await oidcAnswering({ ...device, expiresIn: 600 });
    try {
      const api = await createOidcApi({ env: { AWS_ENDPOINT_URL: srv.url }, region: "eu-north-1" });
      const r = await api.startDeviceAuthorization({
        clientId: "c",
        clientSecret: "s",
        startUrl: "https://d-1.awsapps.com/start",
      });
      expect(r.expiresIn).toBe(600);
      expect(r.interval).toBeUndefined();
    } finally {
      await srv.close();
    }
  });
});
