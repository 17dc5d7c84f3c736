/**
 * The SDK-error classifier against real failures: a real @aws-sdk/client-sso client talks to real
 * local HTTP servers that refuse, reset, stall, throttle, or answer 401/403/400/500 — the errors
 * classified are the SDK's own, not hand-made objects. Plus the full-jitter retry helper.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyAwsError } from "../../src/platform/aws-errors";
import { sdkClientConfig } from "../../src/platform/aws-sdk";
import { backoffDelay, withRetry } from "../../src/platform/retry";

type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const json =
  (status: number, type: string, message: string): Behaviour =>
  (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": type });
    res.end(JSON.stringify({ message }));
  };

const behaviours: Record<string, Behaviour> = {
  reset: (req) => req.socket.destroy(),
  stall: () => {},
  throttle: json(429, "TooManyRequestsException", "slow down"),
  unauthorized: json(401, "UnauthorizedException", "Session token not found or invalid"),
  forbidden: json(403, "ForbiddenException", "No access"),
  invalid: json(400, "InvalidRequestException", "accountId must be 12 digits"),
  broken: json(500, "InternalServerException", "boom"),
};

let server: http.Server;
let base = "";
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const key = (req.url ?? "").split("/")[1] ?? "";
    (behaviours[key] ?? json(500, "X", "?"))(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function failureOf(endpoint: string, timeoutMs = 2000): Promise<unknown> {
  const sdk = await import("@aws-sdk/client-sso");
  const client = new sdk.SSOClient(
    sdkClientConfig({
      env: { AWS_ENDPOINT_URL_SSO: endpoint },
      service: "SSO",
      region: "eu-west-1",
      maxAttempts: 1,
      timeoutMs,
    }),
  );
  try {
    await client.send(new sdk.GetRoleCredentialsCommand({ accessToken: "t", accountId: "1", roleName: "r" }));
  } catch (e) {
    return e;
  } finally {
    client.destroy();
  }
  throw new Error("the call succeeded");
}

describe("classifyAwsError on real SDK failures", () => {
  it("connection refused is network", async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const info = classifyAwsError(await failureOf(`http://127.0.0.1:${port}`));
    expect(info).toMatchObject({ kind: "network", networkCode: "ECONNREFUSED" });
  });
  it("a reset is reported as a reset, although the SDK renames it TimeoutError", async () => {
    const e = await failureOf(`${base}/reset`);
    expect((e as Error).name).toBe("TimeoutError");
    expect(classifyAwsError(e)).toMatchObject({ kind: "reset", networkCode: "ECONNRESET" });
  });
  it("no answer within the time-out is a timeout", async () => {
    const info = classifyAwsError(await failureOf(`${base}/stall`, 300));
    expect(info.kind).toBe("timeout");
  });
  it.each([
    ["throttle", "throttle", 429, "TooManyRequestsException"],
    ["unauthorized", "auth", 401, "UnauthorizedException"],
    ["forbidden", "forbidden", 403, "ForbiddenException"],
    ["invalid", "validation", 400, "InvalidRequestException"],
    ["broken", "service", 500, "InternalServerException"],
  ])("%s → %s", async (path, kind, status, name) => {
    const info = classifyAwsError(await failureOf(`${base}/${path}`));
    expect(info).toMatchObject({ kind, status, name });
  });
  it("non-errors are service failures, never a throw", () => {
    expect(classifyAwsError(undefined).kind).toBe("service");
    expect(classifyAwsError("x").kind).toBe("service");
  });
});

describe("withRetry", () => {
  const throttle = Object.assign(new Error("Too many requests"), {
    name: "TooManyRequestsException",
    $metadata: { httpStatusCode: 429 },
  });
  it("full jitter: each delay is uniform in [0, min(cap, base·2^n))", () => {
    expect(backoffDelay(0, 100, 1000, () => 0.999)).toBeLessThan(100);
    expect(backoffDelay(3, 100, 1000, () => 0.5)).toBe(400);
    expect(backoffDelay(10, 100, 1000, () => 0.5)).toBe(500);
    expect(backoffDelay(5, 100, 1000, () => 0)).toBe(0);
  });
  it("retries throttling, then succeeds; never retries other errors", async () => {
    const waits: number[] = [];
    let calls = 0;
    const out = await withRetry(
      async () => {
        if (++calls < 4) throw throttle;
        return "ok";
      },
      { sleep: async (ms) => void waits.push(ms), baseMs: 100, capMs: 1000 },
    );
    expect(out).toBe("ok");
    expect(waits).toHaveLength(3);
    const other = new Error("no");
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw other;
        },
        { sleep: async () => {} },
      ),
    ).rejects.toBe(other);
    expect(calls).toBe(1);
  });
  it("stops at the retry count and at the patience", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw throttle;
        },
        { retries: 2, sleep: async () => {} },
      ),
    ).rejects.toBe(throttle);
    expect(calls).toBe(3);
    let clock = 0;
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw throttle;
        },
        {
          patienceMs: 1000,
          random: () => 0.99,
          baseMs: 300,
          now: () => clock,
          sleep: async (ms) => {
            clock += ms;
          },
        },
      ),
    ).rejects.toBe(throttle);
    // waits ≈ 297, 594 → 891 used; the next (≈1188) would exceed 1000.
    expect(calls).toBe(3);
  });
});
