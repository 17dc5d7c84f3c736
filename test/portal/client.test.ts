/**
 * One portal client configuration for every caller: the wizard's listings and credential resolution
 * time out after the same per-attempt time-out, and the message names the time-out actually used.
 */
import { createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { openPortal, PORTAL_CLIENT } from "../../src/portal/client";
import { rejection } from "../credentials/support";

describe("portal client configuration", () => {
  it("a silent portal: the listing times out (exit 7) and says after how long", async () => {
    const sockets: Socket[] = [];
    const server = createServer((s) => void sockets.push(s)); // accepts, never answers
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as import("node:net").AddressInfo).port;
    const portal = await openPortal({
      region: "eu-north-1",
      env: { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` },
      loginArgs: "--sso-session acme",
      requestTimeoutMs: 250,
      maxAttempts: 2,
    });
    try {
      const e = await rejection(portal.listAccounts("token"));
      expect(e.code).toBe("service_timeout");
      expect(e.exitCode).toBe(7);
      expect(e.message).toContain("(250 ms per attempt)");
      expect(portal.timeoutMs).toBe(250);
    } finally {
      portal.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
  it("the default is the one PORTAL_CLIENT time-out", async () => {
    const portal = await openPortal({ region: "eu-north-1", env: {}, loginArgs: "" });
    expect(portal.timeoutMs).toBe(PORTAL_CLIENT.timeoutMs);
    portal.close();
  });
});
