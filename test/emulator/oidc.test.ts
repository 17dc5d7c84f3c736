/**
 * SSO OIDC over real HTTP with the real SDK client (client-sso-oidc): registration, device flow,
 * authorization code + PKCE, refresh rotation, and every error boundary of docs/reference.md §3.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  CreateTokenCommand,
  RegisterClientCommand,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import { describe, expect, it } from "vitest";
import { withEmulator } from "../helpers/emulator";
import { DEVICE_GRANT, deviceSignIn, oidcClient, sdkError } from "./clients";

const verifierPair = (): { verifier: string; challenge: string } => {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
};

/** CreateToken for a device authorization, with the registration it was started under. */
const deviceTokenCommand = (
  reg: { clientId?: string; clientSecret?: string },
  dev: { deviceCode?: string },
): CreateTokenCommand =>
  new CreateTokenCommand({
    clientId: reg.clientId!,
    clientSecret: reg.clientSecret!,
    grantType: DEVICE_GRANT,
    deviceCode: dev.deviceCode!,
  });

async function rawPost(
  url: string,
  body: unknown,
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

describe("RegisterClient", () => {
  it("returns id, secret and epoch-second times, omitting PKCE endpoints for a device client", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const before = Math.floor(Date.now() / 1000);
      const res = await rawPost(`${emu.url}/client/register`, { clientName: "cli", clientType: "public" });
      expect(res.status).toBe(200);
      const body = res.json as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual([
        "clientId",
        "clientIdIssuedAt",
        "clientSecret",
        "clientSecretExpiresAt",
      ]);
      expect(body["clientIdIssuedAt"]).toBeGreaterThanOrEqual(before - 1);
      expect(body["clientSecretExpiresAt"] as number).toBeGreaterThan(before + 89 * 24 * 3600);
    });
  });

  it("refuses a non-public client type, a non-loopback redirect URI and an unknown grant", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const oidc = oidcClient(emu);
      const e1 = await sdkError(
        oidc.send(new RegisterClientCommand({ clientName: "x", clientType: "confidential" })),
      );
      expect(e1.name).toBe("InvalidClientMetadataException");
      const e2 = await sdkError(
        oidc.send(
          new RegisterClientCommand({
            clientName: "x",
            clientType: "public",
            grantTypes: ["authorization_code"],
            redirectUris: ["https://evil.example/cb"],
          }),
        ),
      );
      expect(e2.name).toBe("InvalidRedirectUriException");
      const e3 = await sdkError(
        oidc.send(
          new RegisterClientCommand({ clientName: "x", clientType: "public", grantTypes: ["password"] }),
        ),
      );
      expect(e3.name).toBe("UnsupportedGrantTypeException");
    });
  });

  it("answers malformed bodies with InvalidRequestException, header and OAuth body, never a stack", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      for (const body of [
        "{not json",
        "[]",
        { clientType: "public" },
        { clientName: 5, clientType: "public" },
      ]) {
        const res = await rawPost(`${emu.url}/client/register`, body);
        expect(res.status).toBe(400);
        expect(res.headers.get("x-amzn-errortype")).toMatch(/^InvalidRequestException:/);
        expect((res.json as { error: string }).error).toBe("invalid_request");
        expect(JSON.stringify(res.json)).not.toMatch(/at .*\.ts|Error:/);
      }
    });
  });
});

describe("device authorization", () => {
  it("is pending until approved through the control API, then issues tokens once", async () => {
    await withEmulator({ seed: "demo", control: true }, async (emu) => {
      const oidc = oidcClient(emu);
      const reg = await oidc.send(
        new RegisterClientCommand({ clientName: "c", clientType: "public", scopes: ["sso:account:access"] }),
      );
      const dev = await oidc.send(
        new StartDeviceAuthorizationCommand({
          clientId: reg.clientId!,
          clientSecret: reg.clientSecret!,
          startUrl: emu.startUrl,
        }),
      );
      expect(dev.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
      expect(dev.verificationUri).toBe(`${emu.url}/device`);
      expect(dev.verificationUriComplete).toBe(`${emu.url}/device?user_code=${dev.userCode}`);
      expect(dev.expiresIn).toBe(600);
      expect(dev.interval).toBe(1);
      const poll = () => oidc.send(deviceTokenCommand(reg, dev));
      const pending = await sdkError(poll());
      expect(pending.name).toBe("AuthorizationPendingException");
      expect(pending["error"]).toBe("authorization_pending");
      expect(pending.$metadata.httpStatusCode).toBe(400);

      const approve = await fetch(`${emu.url}/_emulator/approve`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userCode: dev.userCode, user: "bob" }),
      });
      expect(approve.status).toBe(200);
      const tok = await poll();
      expect(tok.tokenType).toBe("Bearer");
      expect(tok.expiresIn).toBe(3600);
      expect(tok.accessToken).toMatch(/^aoa/);
      expect(tok.refreshToken).toMatch(/^aor/);
      expect((await sdkError(poll())).name).toBe("InvalidGrantException"); // single use
    });
  });

  it("reports a denied authorization as AccessDeniedException", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const oidc = oidcClient(emu);
      const reg = await oidc.send(new RegisterClientCommand({ clientName: "c", clientType: "public" }));
      const dev = await oidc.send(
        new StartDeviceAuthorizationCommand({
          clientId: reg.clientId!,
          clientSecret: reg.clientSecret!,
          startUrl: emu.startUrl,
        }),
      );
      emu.store.denyDevice(dev.userCode!);
      const e = await sdkError(oidc.send(deviceTokenCommand(reg, dev)));
      expect(e.name).toBe("AccessDeniedException");
    });
  });

  it("expires the device code: ExpiredTokenException (clock moved past --device-code-ttl)", async () => {
    let clock = Date.now();
    await withEmulator({ seed: "demo", now: () => clock, lifetimes: { deviceCode: 30 } }, async (emu) => {
      const oidc = oidcClient(emu);
      const reg = await oidc.send(new RegisterClientCommand({ clientName: "c", clientType: "public" }));
      const dev = await oidc.send(
        new StartDeviceAuthorizationCommand({
          clientId: reg.clientId!,
          clientSecret: reg.clientSecret!,
          startUrl: emu.startUrl,
        }),
      );
      expect(dev.expiresIn).toBe(30);
      clock += 31_000;
      const e = await sdkError(oidc.send(deviceTokenCommand(reg, dev)));
      expect(e.name).toBe("ExpiredTokenException");
      expect(e["error"]).toBe("expired_token");
      expect(emu.store.deviceByUserCode(dev.userCode!)?.status).toBe("expired");
    });
  });

  it("refuses a wrong client secret with 401 InvalidClientException", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const oidc = oidcClient(emu);
      const reg = await oidc.send(new RegisterClientCommand({ clientName: "c", clientType: "public" }));
      const e = await sdkError(
        oidc.send(
          new StartDeviceAuthorizationCommand({
            clientId: reg.clientId!,
            clientSecret: "nope",
            startUrl: emu.startUrl,
          }),
        ),
      );
      expect(e.name).toBe("InvalidClientException");
      expect(e.$metadata.httpStatusCode).toBe(401);
    });
  });

  it("a start URL of another instance ends in invalid_grant, even with auto-approve", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const oidc = oidcClient(emu);
      const reg = await oidc.send(new RegisterClientCommand({ clientName: "c", clientType: "public" }));
      const dev = await oidc.send(
        new StartDeviceAuthorizationCommand({
          clientId: reg.clientId!,
          clientSecret: reg.clientSecret!,
          startUrl: "https://d-9999999999.awsapps.com/start",
        }),
      );
      expect(emu.store.deviceByUserCode(dev.userCode!)?.error).toBe("invalid_grant");
      expect(() => emu.store.approveDevice(dev.userCode!, emu.store.findUserByName("alice")!.userId)).toThrow(
        /Invalid grant/,
      );
      const e = await sdkError(oidc.send(deviceTokenCommand(reg, dev)));
      expect(e.name).toBe("InvalidGrantException");
      expect(e["error"]).toBe("invalid_grant");
    });
  });

  it("a client addressing another region (/region/<r> prefix) gets invalid_grant; its registration is unknown in the real region", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const wrong = oidcClient(emu, `${emu.url}/region/us-east-1`);
      const reg = await wrong.send(new RegisterClientCommand({ clientName: "c", clientType: "public" }));
      const dev = await wrong.send(
        new StartDeviceAuthorizationCommand({
          clientId: reg.clientId!,
          clientSecret: reg.clientSecret!,
          startUrl: emu.startUrl,
        }),
      );
      const e = await sdkError(wrong.send(deviceTokenCommand(reg, dev)));
      expect(e.name).toBe("InvalidGrantException");
      const right = oidcClient(emu);
      const e2 = await sdkError(
        right.send(
          new StartDeviceAuthorizationCommand({
            clientId: reg.clientId!,
            clientSecret: reg.clientSecret!,
            startUrl: emu.startUrl,
          }),
        ),
      );
      expect(e2.name).toBe("InvalidClientException");
    });
  });

  it("legacy clients (no scopes) get no refresh token; scoped ones do", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const legacy = await deviceSignIn(emu, null);
      expect(legacy.refreshToken).toBeUndefined();
      const res = await rawPost(`${emu.url}/client/register`, { clientName: "c", clientType: "public" });
      expect(JSON.stringify(res.json)).not.toContain("null");
      const scoped = await deviceSignIn(emu);
      expect(scoped.refreshToken).toBeDefined();
    });
  });
});

describe("refresh_token", () => {
  it("rotates: the new refresh token works, the old one is refused", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const s = await deviceSignIn(emu);
      const oidc = oidcClient(emu);
      const refresh = (refreshToken: string) =>
        oidc.send(
          new CreateTokenCommand({
            clientId: s.clientId,
            clientSecret: s.clientSecret,
            grantType: "refresh_token",
            refreshToken,
          }),
        );
      const r1 = await refresh(s.refreshToken!);
      expect(r1.accessToken).not.toBe(s.accessToken);
      expect(r1.refreshToken).not.toBe(s.refreshToken);
      const old = await sdkError(refresh(s.refreshToken!));
      expect(old.name).toBe("InvalidGrantException");
      const r2 = await refresh(r1.refreshToken!);
      expect(r2.accessToken).toBeDefined();
    });
  });

  it("refuses a refresh token presented by another client, and any after the session ends", async () => {
    let clock = Date.now();
    await withEmulator(
      { seed: "demo", autoApprove: "alice", now: () => clock, lifetimes: { session: 120 } },
      async (emu) => {
        const a = await deviceSignIn(emu);
        const b = await deviceSignIn(emu);
        const oidc = oidcClient(emu);
        const wrongClient = await sdkError(
          oidc.send(
            new CreateTokenCommand({
              clientId: b.clientId,
              clientSecret: b.clientSecret,
              grantType: "refresh_token",
              refreshToken: a.refreshToken!,
            }),
          ),
        );
        expect(wrongClient.name).toBe("InvalidGrantException");
        expect(a.expiresIn).toBe(120); // access token never outlives the session
        clock += 121_000;
        const ended = await sdkError(
          oidc.send(
            new CreateTokenCommand({
              clientId: a.clientId,
              clientSecret: a.clientSecret,
              grantType: "refresh_token",
              refreshToken: a.refreshToken!,
            }),
          ),
        );
        expect(ended.name).toBe("InvalidGrantException");
      },
    );
  });

  it("rejects an unknown grant type", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const s = await deviceSignIn(emu);
      const e = await sdkError(
        oidcClient(emu).send(
          new CreateTokenCommand({
            clientId: s.clientId,
            clientSecret: s.clientSecret,
            grantType: "password",
          }),
        ),
      );
      expect(e.name).toBe("UnsupportedGrantTypeException");
    });
  });
});

describe("authorization code + PKCE", () => {
  async function pkceClient(oidc: ReturnType<typeof oidcClient>, startUrl: string) {
    return oidc.send(
      new RegisterClientCommand({
        clientName: "botocore-client-my-sso",
        clientType: "public",
        grantTypes: ["authorization_code", "refresh_token"],
        redirectUris: ["http://127.0.0.1/oauth/callback"],
        issuerUrl: startUrl,
        scopes: ["sso:account:access"],
      }),
    );
  }

  function authorizeUrl(
    base: string,
    clientId: string,
    redirectUri: string,
    challenge: string,
    state = "st-1",
  ): string {
    const q = new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: redirectUri,
      state,
      code_challenge_method: "S256",
      scopes: "sso:account:access",
      code_challenge: challenge,
    });
    return `${base}/authorize?${q}`;
  }

  it("auto-approved: 302 to the redirect URI with code and state; the code redeems once with the right verifier", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const oidc = oidcClient(emu);
      const reg = await pkceClient(oidc, emu.startUrl);
      expect(reg.authorizationEndpoint).toBe(`${emu.url}/authorize`);
      const { verifier, challenge } = verifierPair();
      const redirectUri = "http://127.0.0.1:53111/oauth/callback";
      const res = await fetch(authorizeUrl(emu.url, reg.clientId!, redirectUri, challenge), {
        redirect: "manual",
      });
      expect(res.status).toBe(302);
      const loc = new URL(res.headers.get("location")!);
      expect(`${loc.origin}${loc.pathname}`).toBe(redirectUri);
      expect(loc.searchParams.get("state")).toBe("st-1");
      const code = loc.searchParams.get("code")!;
      const redeem = (v: string, uri = redirectUri) =>
        oidc.send(
          new CreateTokenCommand({
            clientId: reg.clientId!,
            clientSecret: reg.clientSecret!,
            grantType: "authorization_code",
            code,
            redirectUri: uri,
            codeVerifier: v,
          }),
        );
      expect((await sdkError(redeem(verifierPair().verifier))).name).toBe("InvalidGrantException"); // verifier mismatch
      expect((await sdkError(redeem(verifier, "http://127.0.0.1:9/oauth/callback"))).name).toBe(
        "InvalidGrantException",
      );
      const tok = await redeem(verifier);
      expect(tok.refreshToken).toBeDefined();
      // Replay: refused, and the tokens it issued are revoked (RFC 6749 §4.1.2).
      expect((await sdkError(redeem(verifier))).name).toBe("InvalidGrantException");
      const refreshed = await sdkError(
        oidc.send(
          new CreateTokenCommand({
            clientId: reg.clientId!,
            clientSecret: reg.clientSecret!,
            grantType: "refresh_token",
            refreshToken: tok.refreshToken!,
          }),
        ),
      );
      expect(refreshed.name).toBe("InvalidGrantException");
    });
  });

  it("without auto-approve: 302 to the consent page; approveAuthorize/denyAuthorize give the redirect", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      const oidc = oidcClient(emu);
      const reg = await pkceClient(oidc, emu.startUrl);
      const { challenge } = verifierPair();
      const redirectUri = "http://127.0.0.1:53112/oauth/callback";
      const res = await fetch(authorizeUrl(emu.url, reg.clientId!, redirectUri, challenge), {
        redirect: "manual",
      });
      expect(res.status).toBe(302);
      const consent = new URL(res.headers.get("location")!);
      expect(consent.pathname).toBe("/consent");
      const id = consent.searchParams.get("request")!;
      expect(emu.store.authorizeRequest(id)).toMatchObject({
        status: "pending",
        scopes: ["sso:account:access"],
        redirectUri,
      });
      const denied = new URL(emu.store.denyAuthorize(id));
      expect(denied.searchParams.get("error")).toBe("access_denied");
      expect(denied.searchParams.get("state")).toBe("st-1");
      expect(() => emu.store.approveAuthorize(id, emu.store.findUserByName("bob")!.userId)).toThrow(
        /already denied/,
      );
    });
  });

  it("the control API approves a pending browser authorization and returns the redirect with the code", async () => {
    await withEmulator({ seed: "demo", control: true }, async (emu) => {
      const oidc = oidcClient(emu);
      const reg = await pkceClient(oidc, emu.startUrl);
      const { verifier, challenge } = verifierPair();
      const redirectUri = "http://127.0.0.1:53113/oauth/callback";
      const res = await fetch(authorizeUrl(emu.url, reg.clientId!, redirectUri, challenge), {
        redirect: "manual",
      });
      const requestId = new URL(res.headers.get("location")!).searchParams.get("request");
      const approve = await fetch(`${emu.url}/_emulator/approve`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ requestId, user: "carol" }),
      });
      expect(approve.status).toBe(200);
      const { redirect } = (await approve.json()) as { redirect: string };
      const code = new URL(redirect).searchParams.get("code")!;
      const tok = await oidc.send(
        new CreateTokenCommand({
          clientId: reg.clientId!,
          clientSecret: reg.clientSecret!,
          grantType: "authorization_code",
          code,
          redirectUri,
          codeVerifier: verifier,
        }),
      );
      expect(emu.store.sessionForAccessToken(tok.accessToken!)?.userId).toBe(
        emu.store.findUserByName("carol")!.userId,
      );
      const again = await fetch(`${emu.url}/_emulator/approve`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ requestId, user: "carol" }),
      });
      expect(again.status).toBe(409);
    });
  });

  it("shows (never redirects) a bad client or redirect URI; redirects other errors", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const oidc = oidcClient(emu);
      const reg = await pkceClient(oidc, emu.startUrl);
      const { challenge } = verifierPair();
      const bad1 = await fetch(
        authorizeUrl(emu.url, "nope", "http://127.0.0.1:1/oauth/callback", challenge),
        { redirect: "manual" },
      );
      expect(bad1.status).toBe(400);
      const bad2 = await fetch(
        authorizeUrl(emu.url, reg.clientId!, "http://127.0.0.1:1/elsewhere", challenge),
        { redirect: "manual" },
      );
      expect(bad2.status).toBe(400);
      const bad3 = await fetch(
        authorizeUrl(emu.url, reg.clientId!, "http://evil.example/oauth/callback", challenge),
        { redirect: "manual" },
      );
      expect(bad3.status).toBe(400);
      const plain = authorizeUrl(
        emu.url,
        reg.clientId!,
        "http://127.0.0.1:2/oauth/callback",
        challenge,
      ).replace("S256", "plain");
      const r = await fetch(plain, { redirect: "manual" });
      expect(r.status).toBe(302);
      expect(new URL(r.headers.get("location")!).searchParams.get("error")).toBe("invalid_request");
    });
  });

  it("an issuerUrl of another instance ends in error=invalid_grant on the redirect", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      const oidc = oidcClient(emu);
      const reg = await pkceClient(oidc, "https://d-1111111111.awsapps.com/start");
      const { challenge } = verifierPair();
      const r = await fetch(
        authorizeUrl(emu.url, reg.clientId!, "http://127.0.0.1:3/oauth/callback", challenge),
        {
          redirect: "manual",
        },
      );
      expect(new URL(r.headers.get("location")!).searchParams.get("error")).toBe("invalid_grant");
    });
  });
});
