import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  browserCommand,
  canOpenBrowser,
  checkServerUrl,
  isAwsHost,
  shellSplit,
} from "../../src/platform/browser";
import { authorizeUrl, codeChallenge, codeVerifier, constantTimeEqual, quotePlus } from "../../src/sso/pkce";

describe("PKCE (RFC 7636)", () => {
  it("verifier = base64url(32 bytes), S256 challenge", () => {
    const v = codeVerifier(new Uint8Array(32).fill(7));
    expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(codeChallenge(v)).toBe(createHash("sha256").update(v).digest("base64url"));
    // RFC 7636 appendix B
    expect(codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
    expect(() => codeVerifier(new Uint8Array(16))).toThrow();
  });

  it("constant-time compare", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
  });

  it("authorize URL in the CLI's order with `scopes`", () => {
    expect(quotePlus("a b:/~*")).toBe("a+b%3A%2F~%2A");
    expect(
      authorizeUrl("http://127.0.0.1:4599/", {
        clientId: "cid",
        redirectUri: "http://127.0.0.1:5000/oauth/callback",
        state: "st",
        challenge: "ch",
        scopes: ["sso:account:access", "x"],
      }),
    ).toBe(
      "http://127.0.0.1:4599/authorize?response_type=code&client_id=cid&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Foauth%2Fcallback&state=st&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess+x&code_challenge=ch",
    );
  });
});

describe("server-supplied URL check", () => {
  const env = {};
  it("accepts https AWS hosts, refuses others", () => {
    for (const u of [
      "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH",
      "https://d-123.awsapps.com/start/#/device?user_code=X",
      "https://ssoins-1.portal.us-east-1.app.aws/",
      "https://oidc.cn-north-1.amazonaws.com.cn/authorize",
      "https://x.awsapps.cn/start",
    ])
      expect(() => checkServerUrl(u, env)).not.toThrow();
    for (const u of [
      "http://d-123.awsapps.com/start",
      "https://evil.example.com/awsapps.com",
      "https://awsapps.com.evil.example/",
      "https://user:pw@d-1.awsapps.com/",
      "javascript:alert(1)",
      "not a url",
    ])
      expect(() => checkServerUrl(u, env), u).toThrow(/Refusing/);
    expect(isAwsHost("amazonaws.com")).toBe(false);
  });

  it("accepts URLs under the endpoint override only", () => {
    const e = { AWS_ENDPOINT_URL: "http://127.0.0.1:4599" };
    expect(() => checkServerUrl("http://127.0.0.1:4599/device?user_code=A", e)).not.toThrow();
    expect(() => checkServerUrl("http://127.0.0.1:4600/device", e)).toThrow();
    const sub = { AWS_ENDPOINT_URL_SSO_OIDC: "http://127.0.0.1:4599/oidc" };
    expect(() => checkServerUrl("http://127.0.0.1:4599/oidc/device", sub)).not.toThrow();
    expect(() => checkServerUrl("http://127.0.0.1:4599/other", sub)).toThrow();
    expect(() =>
      checkServerUrl("http://127.0.0.1:4599/device", { ...e, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }),
    ).toThrow();
  });
});

describe("browser opener", () => {
  it("BROWSER: %s substitution or URL appended, no shell", () => {
    const url = "https://x.awsapps.com/a?b=1&c=$(id)";
    expect(browserCommand(url, { BROWSER: "firefox" }, "linux")).toEqual(["firefox", url]);
    expect(browserCommand(url, { BROWSER: "'/opt/my browser/bin' --new-tab %s" }, "linux")).toEqual([
      "/opt/my browser/bin",
      "--new-tab",
      url,
    ]);
    expect(browserCommand(url, { BROWSER: ":w3m:lynx" }, "linux")).toEqual(["w3m", url]);
    expect(browserCommand(url, {}, "linux")).toEqual(["xdg-open", url]);
    expect(browserCommand(url, {}, "darwin")).toEqual(["open", url]);
    expect(shellSplit(`a "b c" d\\ e 'f'`)).toEqual(["a", "b c", "d e", "f"]);
  });

  it("can a browser be opened here?", () => {
    expect(canOpenBrowser({}, "linux")).toBe(false);
    expect(canOpenBrowser({ DISPLAY: ":0" }, "linux")).toBe(true);
    expect(canOpenBrowser({ WAYLAND_DISPLAY: "w" }, "linux")).toBe(true);
    expect(canOpenBrowser({ BROWSER: "x" }, "linux")).toBe(true);
    expect(canOpenBrowser({ SSH_CONNECTION: "1 2 3 4" }, "darwin")).toBe(false);
    expect(canOpenBrowser({}, "darwin")).toBe(true);
  });
});

describe("login flow choice", async () => {
  const { chooseFlow } = await import("../../src/cli/commands/login");
  it("follows the documented table", () => {
    expect(chooseFlow("sso-session", {}, true)).toBe("pkce");
    expect(chooseFlow("sso-session", {}, false)).toBe("device");
    expect(chooseFlow("legacy", {}, true)).toBe("device");
    expect(chooseFlow("sso-session", { deviceCode: true }, true)).toBe("device");
    expect(chooseFlow("sso-session", { browser: false }, true)).toBe("device");
    expect(chooseFlow("sso-session", { browser: false, callbackPort: 8400 }, false)).toBe("pkce");
    // No browser can open here, but the user asked for the loopback port: PKCE, URL printed.
    expect(chooseFlow("sso-session", { callbackPort: 8400 }, false)).toBe("pkce");
    expect(chooseFlow("legacy", { callbackPort: 8400 }, false)).toBe("device");
  });
});
