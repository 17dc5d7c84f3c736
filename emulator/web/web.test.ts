/**
 * The web pages over real HTTP against a running emulator (no browser): sessions, CSRF, escaping,
 * redirects, device and consent decisions, the portal's views and console federation. The browser
 * journeys themselves are in test/browser/.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_PASSWORDS, type RunningEmulator, startEmulator } from "../index";
import { inviteUser } from "./invitation";
import { SIGN_IN_COMMANDS } from "./portal";

let emu: RunningEmulator;
let clock = Date.now();
let oidc: SSOOIDCClient;

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", now: () => clock });
  oidc = new SSOOIDCClient({ endpoint: emu.url, region: emu.region, maxAttempts: 1 });
});
afterAll(async () => {
  oidc?.destroy();
  await emu?.stop();
});
beforeEach(() => {
  clock = Date.now();
});

const FORM = "application/x-www-form-urlencoded";

/** A browser stand-in: a cookie jar and manual redirects. */
class Browser {
  cookies = new Map<string, string>();
  async get(path: string) {
    return this.request(path, { method: "GET" });
  }
  async post(path: string, fields: Record<string, string>) {
    return this.request(path, {
      method: "POST",
      headers: { "content-type": FORM },
      body: new URLSearchParams(fields).toString(),
    });
  }
  async request(path: string, init: RequestInit) {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(emu.url + path, {
      redirect: "manual",
      ...init,
      headers: { ...(init.headers as object), cookie },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      if (/Max-Age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1));
    }
    return {
      status: res.status,
      location: res.headers.get("location"),
      headers: res.headers,
      text: await res.text(),
    };
  }
  csrf(text: string): string {
    return /name="csrf" value="([^"]+)"/.exec(text)![1]!;
  }
  async signIn(user = "alice", password = DEMO_PASSWORDS[user]!, next = "/start") {
    const page = await this.get(`/signin?next=${encodeURIComponent(next)}`);
    return this.post("/signin", { csrf: this.csrf(page.text), next, username: user, password });
  }
}

async function deviceCode(clientName = "web-test-client", startUrl = emu.startUrl) {
  const reg = await oidc.send(
    new RegisterClientCommand({ clientName, clientType: "public", scopes: ["sso:account:access"] }),
  );
  const dev = await oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      startUrl,
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
  return { userCode: dev.userCode!, token };
}

describe("sign-in", () => {
  it("sends signed-out visitors to sign-in and back to where they were going", async () => {
    const b = new Browser();
    const start = await b.get("/device?user_code=BCDF-GHJK");
    expect(start.status).toBe(302);
    expect(start.location).toBe(`/signin?next=${encodeURIComponent("/device?user_code=BCDF-GHJK")}`);
    const done = await b.signIn("alice", DEMO_PASSWORDS["alice"]!, "/device?user_code=BCDF-GHJK");
    expect(done.status).toBe(302);
    expect(done.location).toBe("/device?user_code=BCDF-GHJK");
  });

  it("uses an HttpOnly, SameSite=Lax session cookie, re-keyed at sign-in, and defensive headers", async () => {
    const b = new Browser();
    const page = await b.get("/signin");
    expect(page.headers.getSetCookie()[0]).toMatch(
      /^portico_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("cache-control")).toBe("no-store");
    const anonymous = b.cookies.get("portico_session");
    const signedIn = await b.signIn();
    expect(signedIn.status).toBe(302);
    expect(b.cookies.get("portico_session")).not.toBe(anonymous);
    // The pre-sign-in id is worthless afterwards (no session fixation).
    const fixated = new Browser();
    fixated.cookies.set("portico_session", anonymous!);
    expect((await fixated.get("/start")).status).toBe(302);
  });

  it("refuses wrong passwords and unknown users with the same answer", async () => {
    const wrong = await new Browser().signIn("alice", "not-the-password");
    const unknown = await new Browser().signIn("nobody", "not-the-password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    for (const r of [wrong, unknown]) expect(r.text).toContain("Incorrect username or password.");
    expect(wrong.text).not.toMatch(/no such user|unknown user|wrong password/i);
  });

  it("throttles guessing: after 10 failures a user name is refused for 5 minutes, even with the right password", async () => {
    const b = new Browser();
    for (let i = 0; i < 10; i++) expect((await b.signIn("carol", `guess-${i}`)).status).toBe(401);
    const locked = await b.signIn("carol");
    expect(locked.status).toBe(429);
    expect(locked.text).toContain("Too many failed sign-in attempts");
    expect((await new Browser().signIn("alice")).status).toBe(302); // other names unaffected
    clock += 5 * 60_000 + 1000;
    expect((await b.signIn("carol")).status).toBe(302);
  });

  it("rejects forms without the session's CSRF token (403)", async () => {
    const b = new Browser();
    await b.get("/signin");
    const missing = await b.post("/signin", {
      username: "alice",
      password: DEMO_PASSWORDS["alice"]!,
      next: "/start",
    });
    expect(missing.status).toBe(403);
    const other = new Browser();
    const otherToken = other.csrf((await other.get("/signin")).text);
    const foreign = await b.post("/signin", {
      csrf: otherToken,
      username: "alice",
      password: DEMO_PASSWORDS["alice"]!,
    });
    expect(foreign.status).toBe(403);
    expect(b.cookies.has("portico_session")).toBe(true);
    expect((await b.get("/start")).status).toBe(302); // still signed out
  });

  it("only follows relative next= paths (no open redirect)", async () => {
    for (const next of ["//evil.example/", "https://evil.example/", "/\\evil.example"]) {
      const r = await new Browser().signIn("alice", DEMO_PASSWORDS["alice"]!, next);
      expect(r.status).toBe(302);
      expect(r.location).toBe("/start");
    }
  });

  it("escapes what it echoes", async () => {
    const b = new Browser();
    const page = await b.get("/signin");
    const r = await b.post("/signin", {
      csrf: b.csrf(page.text),
      next: "/start",
      username: '<img src=x onerror="alert(1)">',
      password: "x",
    });
    expect(r.text).not.toContain("<img src=x");
    expect(r.text).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    await b.signIn();
    const device = await b.get(`/device?user_code=${encodeURIComponent("<script>alert(1)</script>")}`);
    expect(device.status).toBe(404);
    expect(device.text).not.toContain("<script>alert(1)</script>");
    expect(device.text).toContain("&lt;script&gt;");
  });

  it("signs out with a CSRF-protected POST", async () => {
    const b = new Browser();
    await b.signIn();
    const portal = await b.get("/start");
    expect(portal.status).toBe(200);
    expect((await b.post("/signout", { csrf: "nope" })).status).toBe(403);
    const out = await b.post("/signout", { csrf: b.csrf(portal.text) });
    expect(out.status).toBe(302);
    expect(out.location).toBe("/signin?signed_out=1");
    expect(b.cookies.has("portico_session")).toBe(false);
    expect((await b.get("/start")).status).toBe(302);
  });
});

describe("device verification", () => {
  it("shows the app and code, approves once, then reports the code as used", async () => {
    const { userCode, token } = await deviceCode("my-cli");
    const b = new Browser();
    await b.signIn();
    const typedLower = await b.get(`/device?user_code=${userCode.toLowerCase().replace("-", "")}`);
    expect(typedLower.status).toBe(200);
    expect(typedLower.text).toContain("my-cli");
    expect(typedLower.text).toContain(userCode);
    await expect(token()).rejects.toMatchObject({ name: "AuthorizationPendingException" });
    const approved = await b.post("/device", {
      csrf: b.csrf(typedLower.text),
      user_code: userCode,
      decision: "allow",
    });
    expect(approved.status).toBe(200);
    expect(approved.text).toContain("Request approved");
    const again = await b.get(`/device?user_code=${userCode}`);
    expect(again.status).toBe(409); // decided, not yet collected by the app
    expect(again.text).toContain("already been used");
    expect((await token()).accessToken).toBeTruthy();
    expect((await b.get(`/device?user_code=${userCode}`)).status).toBe(404); // collected: gone
  });

  it("denies: CreateToken answers AccessDeniedException", async () => {
    const { userCode, token } = await deviceCode();
    const b = new Browser();
    await b.signIn("bob");
    const page = await b.get(`/device?user_code=${userCode}`);
    const denied = await b.post("/device", {
      csrf: b.csrf(page.text),
      user_code: userCode,
      decision: "deny",
    });
    expect(denied.text).toContain("Request denied");
    await expect(token()).rejects.toMatchObject({ name: "AccessDeniedException" });
  });

  it("refuses a forged decision (bad CSRF) and leaves the code pending", async () => {
    const { userCode, token } = await deviceCode();
    const b = new Browser();
    await b.signIn();
    const r = await b.post("/device", { csrf: "forged", user_code: userCode, decision: "allow" });
    expect(r.status).toBe(403);
    await expect(token()).rejects.toMatchObject({ name: "AuthorizationPendingException" });
  });

  it("shows invalid_grant for a code started with another instance's start URL, and will not approve it", async () => {
    const { userCode, token } = await deviceCode("wrong-url", "https://d-9999999999.awsapps.com/start");
    const b = new Browser();
    await b.signIn();
    const page = await b.get(`/device?user_code=${userCode}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain("invalid_grant");
    expect(page.text).toContain("https://d-9999999999.awsapps.com/start");
    const forced = await b.post("/device", {
      csrf: b.csrf(page.text),
      user_code: userCode,
      decision: "allow",
    });
    expect(forced.status).toBe(400);
    await expect(token()).rejects.toMatchObject({
      name: expect.stringMatching(/AuthorizationPending|InvalidGrant/),
    });
  });

  it("says clearly when a code has expired or is unknown", async () => {
    const { userCode } = await deviceCode();
    const b = new Browser();
    await b.signIn();
    expect((await b.get("/device")).text).toContain('name="user_code"');
    expect((await b.get("/device?user_code=ZZZZ-ZZZZ")).text).toContain("not recognised");
    clock += (emu.store.lifetimes.deviceCode + 1) * 1000;
    const expired = await b.get(`/device?user_code=${userCode}`);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain("expired");
  });
});

describe("PKCE consent", () => {
  async function authorize() {
    const reg = await oidc.send(
      new RegisterClientCommand({
        clientName: "pkce-app",
        clientType: "public",
        scopes: ["sso:account:access"],
        grantTypes: ["authorization_code", "refresh_token"],
        redirectUris: ["http://127.0.0.1/oauth/callback"],
        issuerUrl: emu.startUrl,
      }),
    );
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const redirectUri = "http://127.0.0.1:9/oauth/callback";
    const q = new URLSearchParams({
      response_type: "code",
      client_id: reg.clientId!,
      redirect_uri: redirectUri,
      state: "state-123",
      code_challenge_method: "S256",
      scopes: "sso:account:access",
      code_challenge: challenge,
    });
    const res = await fetch(`${emu.url}/authorize?${q}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const consent = new URL(res.headers.get("location")!);
    return { reg, verifier, redirectUri, consentPath: consent.pathname + consent.search };
  }

  it("Allow redirects to the loopback URI with code and state; the code redeems with the verifier", async () => {
    const { reg, verifier, redirectUri, consentPath } = await authorize();
    const b = new Browser();
    const first = await b.get(consentPath);
    expect(first.status).toBe(302);
    await b.signIn("alice", DEMO_PASSWORDS["alice"]!, consentPath);
    const page = await b.get(consentPath);
    expect(page.status).toBe(200);
    expect(page.text).toContain("pkce-app");
    expect(page.text).toContain("sso:account:access");
    const allowed = await b.post("/consent", {
      csrf: b.csrf(page.text),
      request: new URL(consentPath, emu.url).searchParams.get("request")!,
      decision: "allow",
    });
    expect(allowed.status).toBe(302);
    const back = new URL(allowed.location!);
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get("state")).toBe("state-123");
    const token = await oidc.send(
      new CreateTokenCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: "authorization_code",
        code: back.searchParams.get("code")!,
        redirectUri,
        codeVerifier: verifier,
      }),
    );
    expect(token.accessToken).toBeTruthy();
    expect((await b.get(consentPath)).status).toBe(409);
  });

  it("Deny redirects with error=access_denied; unknown requests get a clear page", async () => {
    const { consentPath } = await authorize();
    const b = new Browser();
    await b.signIn();
    const page = await b.get(consentPath);
    const id = new URL(consentPath, emu.url).searchParams.get("request")!;
    const denied = await b.post("/consent", { csrf: b.csrf(page.text), request: id, decision: "deny" });
    const back = new URL(denied.location!);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("state-123");
    expect((await b.get("/consent?request=doesnotexist")).status).toBe(404);
  });
});

describe("access portal and console federation", () => {
  it("lists the user's accounts and roles and refuses roles they do not hold", async () => {
    const b = new Browser();
    await b.signIn("bob");
    const portal = await b.get("/start");
    expect(portal.status).toBe(200);
    const accounts = emu.store.accountsForUser(emu.store.findUserByName("bob")!.userId);
    for (const a of accounts) expect(portal.text).toContain(a.accountId);
    expect(portal.text).not.toContain("111111111111"); // bob has nothing in acme-management
    expect(portal.text).toContain("Management console");
    expect(portal.text).toContain("Command line or programmatic access");
    const refused = await b.get("/start/credentials?account_id=111111111111&role_name=AdministratorAccess");
    expect(refused.status).toBe(403);
    expect((await b.get("/start/console?account_id=111111111111&role_name=AdministratorAccess")).status).toBe(
      403,
    );
  });

  it("filters accounts by name, id or e-mail without JavaScript (and escapes the query)", async () => {
    const b = new Browser();
    await b.signIn();
    const byName = await b.get("/start?q=PROD");
    expect(byName.text).toContain("222222222222");
    expect(byName.text).not.toContain("333333333333");
    expect(byName.text).toContain("1 of 4");
    const byId = await b.get("/start?q=4444");
    expect(byId.text).toContain("acme-sandbox");
    expect(byId.text).not.toContain("acme-production");
    const none = await b.get(`/start?q=${encodeURIComponent('<b>"x"</b>')}`);
    expect(none.text).toContain("No account matches");
    expect(none.text).not.toContain('<b>"x"</b>');
  });

  it("shows working credentials in every format", async () => {
    const b = new Browser();
    await b.signIn();
    const page = await b.get("/start/credentials?account_id=222222222222&role_name=AdministratorAccess");
    expect(page.status).toBe(200);
    const k = /export AWS_ACCESS_KEY_ID="([^"]+)"/.exec(page.text)![1]!;
    const s = /export AWS_SECRET_ACCESS_KEY="([^"]+)"/.exec(page.text)![1]!;
    const t = /export AWS_SESSION_TOKEN="([^"]+)"/.exec(page.text)![1]!;
    expect(emu.store.verifyCredentials(k, s, t)).toBe(true);
    expect(page.text).toContain(`$Env:AWS_ACCESS_KEY_ID="${k}"`);
    expect(page.text).toContain(`set AWS_SECRET_ACCESS_KEY=${s}`);
    expect(page.text).toContain(`[222222222222_AdministratorAccess]\naws_access_key_id=${k}`);
    expect(page.headers.get("cache-control")).toBe("no-store");
    // Sign-in commands with the AWS CLI version each needs (2.9 rejects --use-device-code).
    for (const c of SIGN_IN_COMMANDS) expect(page.text).toContain(`<pre>${c.command}</pre>`);
    expect(page.text).toContain("AWS CLI 2.22.0 and later: a device code instead of the browser");
  });

  it("getSigninToken → login → console page; tokens are single use and valid 15 minutes", async () => {
    const creds = emu.store.issueRoleCredentials(
      emu.store.findUserByName("alice")!.userId,
      "333333333333",
      "PowerUserAccess",
    );
    const session = JSON.stringify({
      sessionId: creds.accessKeyId,
      sessionKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    });
    const b = new Browser();
    const tokenRes = await b.get(
      `/federation?Action=getSigninToken&SessionDuration=1800&Session=${encodeURIComponent(session)}`,
    );
    expect(tokenRes.status).toBe(200);
    expect(tokenRes.headers.get("content-type")).toMatch(/^application\/json/);
    const { SigninToken } = JSON.parse(tokenRes.text) as { SigninToken: string };
    expect(SigninToken.length).toBeGreaterThan(40);
    const login = (token: string, destination = "https://eu-north-1.console.aws.amazon.com/ec2/home") =>
      b.get(
        `/federation?${new URLSearchParams({ Action: "login", Issuer: "https://example.com/portal", Destination: destination, SigninToken: token })}`,
      );
    const ok = await login(SigninToken);
    expect(ok.status).toBe(302);
    expect(ok.location).toBe("/console");
    expect(ok.headers.getSetCookie()[0]).toMatch(
      /^portico_console=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=1800$/,
    );
    const consolePage = await b.get("/console");
    expect(consolePage.status).toBe(200);
    expect(consolePage.text).toContain("acme-staging");
    expect(consolePage.text).toMatch(
      /arn:aws:sts::333333333333:assumed-role\/AWSReservedSSO_PowerUserAccess_[0-9a-f]{16}\/alice/,
    );
    expect(consolePage.text).toContain("https://eu-north-1.console.aws.amazon.com/ec2/home");
    expect(consolePage.text).toContain("https://example.com/portal");
    expect(consolePage.text).not.toContain('href="https://example.com/portal"'); // foreign issuer shown, not linked
    expect((await login(SigninToken)).status).toBe(403); // single use

    const second = JSON.parse(
      (await b.get(`/federation?Action=getSigninToken&Session=${encodeURIComponent(session)}`)).text,
    );
    clock += 15 * 60_000 + 1000;
    expect((await login(second.SigninToken)).status).toBe(403);
  });

  it("refuses foreign or malformed sessions and bad parameters", async () => {
    const creds = emu.store.issueRoleCredentials(
      emu.store.findUserByName("alice")!.userId,
      "333333333333",
      "PowerUserAccess",
    );
    const b = new Browser();
    const wrongSecret = JSON.stringify({
      sessionId: creds.accessKeyId,
      sessionKey: "nope",
      sessionToken: creds.sessionToken,
    });
    expect(
      (await b.get(`/federation?Action=getSigninToken&Session=${encodeURIComponent(wrongSecret)}`)).status,
    ).toBe(403);
    expect((await b.get("/federation?Action=getSigninToken&Session=%7Bnot-json")).status).toBe(400);
    const good = JSON.stringify({
      sessionId: creds.accessKeyId,
      sessionKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    });
    expect(
      (
        await b.get(
          `/federation?Action=getSigninToken&SessionDuration=60&Session=${encodeURIComponent(good)}`,
        )
      ).status,
    ).toBe(400);
    expect((await b.get("/federation?Action=frobnicate")).status).toBe(400);
    const token = JSON.parse(
      (await b.get(`/federation?Action=getSigninToken&Session=${encodeURIComponent(good)}`)).text,
    ).SigninToken;
    expect(
      (await b.get(`/federation?Action=login&Destination=javascript:alert(1)&SigninToken=${token}`)).status,
    ).toBe(400);
    expect((await new Browser().get("/console")).status).toBe(401);
    clock += (emu.store.lifetimes.roleCredentials + 1) * 1000;
    expect(
      (await b.get(`/federation?Action=getSigninToken&Session=${encodeURIComponent(good)}`)).status,
    ).toBe(403);
  });

  it("the portal's Management console link lands on the console page", async () => {
    const b = new Browser();
    await b.signIn();
    const launch = await b.get("/start/console?account_id=444444444444&role_name=AdministratorAccess");
    expect(launch.status).toBe(302);
    const login = await b.get(launch.location!);
    expect(login.location).toBe("/console");
    const page = await b.get("/console");
    expect(page.text).toContain("acme-sandbox");
    expect(page.text).toContain(`href="${emu.url}/start"`); // our own portal as issuer is linked
  });
});

describe("routing", () => {
  it("404 for unknown paths, 405 for unsupported methods, / goes to the portal", async () => {
    const b = new Browser();
    expect((await b.get("/no-such-page")).status).toBe(404);
    expect((await b.request("/start", { method: "PUT" })).status).toBe(405);
    expect((await b.get("/")).location).toBe("/start");
    expect((await b.get("/start/")).location).toBe("/signin?next=%2Fstart%2F");
  });
});

describe("invitation (a new user sets a password)", () => {
  it("refuses a bad CSRF token, a short or mismatched password, an expired or spent link; then signs the user in", async () => {
    const bob = emu.store.findUserByName("bob")!;
    const path = inviteUser(emu.store, bob.userId, clock);
    const token = new URL(path, emu.url).searchParams.get("token")!;
    const b = new Browser();
    const page = await b.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Welcome, bob.");
    const csrf = b.csrf(page.text);
    expect(
      (await b.post("/invitation", { csrf: "wrong", token, password: "x".repeat(9), confirm: "x".repeat(9) }))
        .status,
    ).toBe(403);
    let r = await b.post("/invitation", { csrf, token, password: "short", confirm: "short" });
    expect(r.status).toBe(400);
    expect(r.text).toContain("The password must be 8 to 256 characters long.");
    r = await b.post("/invitation", { csrf, token, password: "long enough 1", confirm: "long enough 2" });
    expect(r.text).toContain("The passwords do not match.");
    r = await b.post("/invitation", {
      csrf,
      token,
      password: "bob's new password",
      confirm: "bob's new password",
    });
    expect(r.status).toBe(302);
    expect(r.location).toBe("/start");
    expect((await b.get("/start")).text).toContain("Welcome, Bob Builder.");
    expect(bob.passwordHash).toMatch(/^scrypt\$/);
    expect(emu.store.org.users.some((u) => JSON.stringify(u).includes("bob's new password"))).toBe(false);
    // Spent, and a new browser can sign in with the new password.
    expect((await new Browser().get(path)).status).toBe(404);
    expect((await new Browser().signIn("bob", "bob's new password")).location).toBe("/start");
    // Expired after 7 days.
    const later = inviteUser(emu.store, bob.userId, clock);
    clock += 7 * 24 * 3600_000 + 1;
    expect((await new Browser().get(later)).status).toBe(404);
  });
});
