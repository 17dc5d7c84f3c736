/**
 * Property: whatever bytes a client sends to an emulated AWS route, the answer is a well-formed AWS
 * error or success — never a 5xx, a dropped connection or a stack trace on the wire.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { withEmulator } from "../helpers/emulator";

const ROUTES: { method: string; path: string; headers?: Record<string, string> }[] = [
  { method: "POST", path: "/client/register" },
  { method: "POST", path: "/device_authorization" },
  { method: "POST", path: "/token" },
  { method: "GET", path: "/authorize" },
  { method: "GET", path: "/assignment/accounts" },
  { method: "GET", path: "/assignment/roles" },
  { method: "GET", path: "/federation/credentials" },
  { method: "POST", path: "/logout" },
  { method: "POST", path: "/" },
  { method: "POST", path: "/", headers: { "x-amz-target": "AWSIdentityStore.ListUsers" } },
];

const jsonish = fc.oneof(
  fc.json(),
  fc.string(),
  fc
    .record({
      clientId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      clientSecret: fc.oneof(fc.string(), fc.array(fc.string())),
      clientName: fc.oneof(fc.string(), fc.constant("x".repeat(5000))),
      clientType: fc.constantFrom("public", "", 7),
      grantType: fc.constantFrom(
        "refresh_token",
        "authorization_code",
        "urn:ietf:params:oauth:grant-type:device_code",
        "x",
      ),
      scopes: fc.oneof(fc.array(fc.string()), fc.string()),
      redirectUris: fc.array(fc.oneof(fc.webUrl(), fc.string())),
      startUrl: fc.oneof(fc.webUrl(), fc.string()),
      deviceCode: fc.string(),
      refreshToken: fc.string(),
      code: fc.string(),
      codeVerifier: fc.string(),
    })
    .map((o) => JSON.stringify(o)),
);

const query = fc.dictionary(
  fc.constantFrom(
    "max_result",
    "next_token",
    "account_id",
    "role_name",
    "client_id",
    "redirect_uri",
    "code_challenge",
    "scopes",
    "Action",
    "response_type",
  ),
  fc.string(),
);

describe("robustness", () => {
  it("random bodies, queries and headers never produce a 5xx or a stack trace", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...ROUTES),
          jsonish,
          query,
          fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
          async (route, body, q, bearer) => {
            const qs = new URLSearchParams(q).toString();
            const headers: Record<string, string> = { "content-type": "application/json", ...route.headers };
            if (bearer !== undefined) headers["x-amz-sso_bearer_token"] = encodeURIComponent(bearer);
            const res = await fetch(`${emu.url}${route.path}${qs ? `?${qs}` : ""}`, {
              method: route.method,
              headers,
              ...(route.method === "POST" ? { body } : {}),
              redirect: "manual",
            });
            const text = await res.text();
            expect(res.status).toBeLessThan(500);
            expect(text).not.toMatch(/\bat [\w.<>]+ \(|node:internal|\.ts:\d+/);
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
