/**
 * The OIDC error mapping with the real SDK client against a local server: codes are fixed words
 * (an unknown server error is `oidc_error` with the server's name only in details), a reset
 * connection is a network error (exit 6) and a silent endpoint a time-out (exit 7) — the same codes
 * the portal and STS use.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCodes, type PorticoError } from "../../src/errors";
import { createOidcApi } from "../../src/sso/oidc";

let server: http.Server;
let base = "";
const answers: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void> = {
  weird: (_q, res) => {
    res.writeHead(400, { "content-type": "application/json", "x-amzn-errortype": "WeirdThingException" });
    res.end(JSON.stringify({ error: "weird_thing; rm -rf", error_description: "odd" }));
  },
  grant: (_q, res) => {
    res.writeHead(400, { "content-type": "application/json", "x-amzn-errortype": "InvalidGrantException" });
    res.end(JSON.stringify({ error: "invalid_grant", error_description: "Invalid grant provided" }));
  },
  reset: (req) => req.socket.destroy(),
  stall: () => {},
};

beforeAll(async () => {
  server = http.createServer((req, res) => answers[(req.url ?? "").split("/")[1] ?? ""]?.(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** `timeoutMs` is short only where the test waits for it (the stall); elsewhere a loaded machine must
 * not turn a reset or an answer into a time-out. */
async function failure(path: string, timeoutMs = 10_000): Promise<PorticoError> {
  const api = await createOidcApi({
    env: { AWS_ENDPOINT_URL_SSO_OIDC: `${base}/${path}` },
    region: "eu-west-1",
    maxAttempts: 1,
    requestTimeoutMs: timeoutMs,
    throttlePatienceMs: 0,
  });
  return api
    .createToken({ clientId: "c", clientSecret: "s", grantType: "refresh_token", refreshToken: "r" })
    .then(
      () => {
        throw new Error("CreateToken succeeded");
      },
      (e: PorticoError) => e,
    );
}

describe("SSO OIDC errors", () => {
  it("an unknown OAuth error is oidc_error; the server's word stays in details", async () => {
    const e = await failure("weird");
    expect(e.code).toBe("oidc_error");
    expect(e.exitCode).toBe(6);
    expect(e.details?.["oidcError"]).toBe("weird_thing; rm -rf");
    expect(Object.keys(errorCodes)).toContain(e.code);
  });
  it("a known one has its fixed code", async () => {
    const e = await failure("grant");
    expect([e.code, e.details?.["oidcError"]]).toEqual(["oidc_invalid_grant", "invalid_grant"]);
  });
  it("a reset connection is service_unreachable (exit 6), not a time-out", async () => {
    const e = await failure("reset");
    expect([e.code, e.exitCode]).toEqual(["service_unreachable", 6]);
    expect(e.message).toContain("reset");
  });
  it("a silent endpoint is service_timeout (exit 7)", async () => {
    const e = await failure("stall", 300);
    expect([e.code, e.exitCode]).toEqual(["service_timeout", 7]);
  });
});
