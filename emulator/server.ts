/**
 * The one HTTP listener (docs/reference.md §10.1): every service told apart by method, path and headers,
 * so a single AWS_ENDPOINT_URL reaches them all.
 *
 *   POST /client/register | /device_authorization | /token, GET /authorize   → SSO OIDC (oidc.ts)
 *   GET /assignment/accounts | /assignment/roles | /federation/credentials,
 *   POST /logout                                                               → portal (portal.ts)
 *   POST / with X-Amz-Target AWSIdentityStore.* | SWBExternalService.* |
 *     AWSOrganizationsV20161128.ListAccounts                                   → admin (admin/index.ts)
 *   POST / (form, Action=…) or GET /?Action=…                                  → STS (sts.ts)
 *   /_emulator/*  (only with --control)                                        → control API
 *   anything else (pages, /federation?Action=…)                                → web (web/index.ts)
 *
 * Regions: a path prefix `/region/<r>` or a Host `oidc.<r>.amazonaws.com` / `portal.sso.<r>.amazonaws.com`
 * names the region a client addressed; without either it is the instance's region (docs/emulator.md).
 *
 * Around the AWS APIs: token-bucket throttling (429; portal: one collective bucket per token; admin:
 * one collective bucket for identitystore and sso-admin together), injected latency and faults
 * (500s and connection resets). Every failure is an AWS-shaped error; no stack trace reaches the wire.
 */
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from "node:http";
import { handleAdmin } from "./admin/index";
import {
  type ApiRequest,
  type ApiResponse,
  header,
  jsonResponse,
  type ServiceContext,
  utf8Text,
} from "./http";
import { handleOidc, oidcError, oidcOperation } from "./oidc";
import { handlePortal, portalBucketKey, portalError, portalOperation, vanityRedirect } from "./portal";
import type { EmulatorStore } from "./store";
import { StoreError } from "./store";
import { handleSts, parseSigV4, stsError, stsParams } from "./sts";
import { handleWeb } from "./web/index";
import { inviteUser } from "./web/invitation";

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * What one client may hold of the emulator (docs/security.md "The emulator under abuse"): request
 * headers must arrive within `headersTimeoutMs` — which also closes a connection that sends nothing
 * at all (slowloris, idle sockets) — and the whole request within `requestTimeoutMs` (slow bodies),
 * both answered 408; at most `maxConnections` sockets at once (more are refused at accept, so memory stays
 * bounded: connections × (16 KiB headers + MAX_BODY_BYTES)); bodies over MAX_BODY_BYTES get 413.
 */
export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
  /** How often Node checks the two time-outs above. */
  checkIntervalMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
  checkIntervalMs: 1_000,
};

/** node:http options for the emulator's listener under `limits`. */
export function serverOptions(limits: Partial<ServerLimits> = {}): ServerOptions {
  const l = { ...DEFAULT_SERVER_LIMITS, ...limits };
  return {
    keepAliveTimeout: l.keepAliveTimeoutMs,
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    connectionsCheckingInterval: l.checkIntervalMs,
    maxHeaderSize: 16 * 1024,
  };
}

/**
 * The limits node:http has no option for: the connection cap, and a plain 4xx (never a stack) for
 * requests that do not parse or time out.
 */
export function applyServerLimits(server: Server, limits: Partial<ServerLimits> = {}): void {
  const l = { ...DEFAULT_SERVER_LIMITS, ...limits };
  server.maxConnections = l.maxConnections;
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === "ECONNRESET") {
      socket.destroy();
      return;
    }
    const status =
      err.code === "HPE_HEADER_OVERFLOW"
        ? "431 Request Header Fields Too Large"
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? "408 Request Timeout"
          : "400 Bad Request";
    // Then closed outright: a client that never reads must not keep a half-open socket here.
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () =>
      socket.destroy(),
    );
  });
}

export interface RequestRecord {
  time: string;
  service: string;
  operation: string;
  status: number;
}

export interface FaultSettings {
  /** Probability (0–1) that an AWS API request fails: half answer 500, half have the connection reset. */
  faultRate: number;
  /** Delay added before every AWS API response, in ms. */
  latencyMs: number;
}

export interface ServerRuntime {
  store: () => EmulatorStore;
  baseUrl: () => string;
  autoApprove: string | undefined;
  control: boolean;
  portalTps: number | undefined;
  adminTps?: number | undefined;
  oidcTps: number | undefined;
  faults: FaultSettings;
  log: ((line: string) => void) | undefined;
  /** Reset org and state to how they were at start (control API). */
  reset: () => void;
  random: () => number;
}

const MAX_RECORDS = 10_000;

/** A token bucket per key: `rate` tokens per second, burst max(1, `rate`). */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly rate: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): boolean {
    const t = this.now();
    const burst = Math.max(1, this.rate); // a rate below 1/s still lets one request through at a time
    const b = this.buckets.get(key) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * this.rate);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

class BodyTooLarge extends Error {}
/** The client went away or timed out mid-body (node already answered 408 or the socket is gone). */
class ClientGone extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", () => reject(new ClientGone()));
    req.on("aborted", () => reject(new ClientGone()));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const REGION_PREFIX = /^\/region\/([a-z]{2}(?:-[a-z]+)+-\d)(\/.*)?$/;
const REGION_HOST =
  /^(?:oidc|portal\.sso|sts|identitystore|sso)\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?::\d+)?$/i;

/** Which region the client addressed, and the path without the region prefix. */
export function resolveRegion(
  path: string,
  host: string | undefined,
  instanceRegion: string,
  authorization?: string,
): { region: string; path: string } {
  const m = REGION_PREFIX.exec(path);
  if (m) return { region: m[1]!, path: m[2] ?? "/" };
  // Signed requests name their region in the SigV4 credential scope.
  const scope = parseSigV4(authorization);
  if (scope) return { region: scope.region, path };
  const h = host ? REGION_HOST.exec(host) : null;
  if (h) return { region: h[1]!.toLowerCase(), path };
  return { region: instanceRegion, path };
}

type Route =
  | { kind: "oidc"; operation: string }
  | { kind: "portal"; operation: string }
  | { kind: "admin"; target: string }
  | { kind: "sts" }
  | { kind: "control" }
  | { kind: "web" };

function route(
  method: string,
  path: string,
  query: URLSearchParams,
  headers: IncomingMessage["headers"],
): Route {
  if (path === "/_emulator" || path.startsWith("/_emulator/")) return { kind: "control" };
  const probe = { method, path, query } as ApiRequest;
  const oidc = oidcOperation(probe);
  if (oidc) return { kind: "oidc", operation: oidc };
  const portal = portalOperation(probe);
  if (portal) return { kind: "portal", operation: portal };
  if (path === "/") {
    const target = header(headers, "x-amz-target");
    if (method === "POST" && target) return { kind: "admin", target };
    if (method === "POST") return { kind: "sts" };
    if (method === "GET" && query.has("Action")) return { kind: "sts" };
  }
  return { kind: "web" };
}

function adminResponse(target: string, status: number, body: unknown): ApiResponse {
  const [prefix, op] = target.split(".", 2);
  return {
    status,
    headers: { "content-type": "application/x-amz-json-1.1" },
    body: JSON.stringify(body),
    service:
      prefix === "SWBExternalService"
        ? "sso-admin"
        : prefix === "AWSOrganizationsV20161128"
          ? "organizations"
          : "identitystore",
    operation: op ?? target,
  };
}

function throttled(r: Route & { kind: "oidc" | "portal" }): ApiResponse {
  return r.kind === "oidc"
    ? oidcError(r.operation, "TooManyRequestsException", "Rate exceeded")
    : portalError(r.operation, "TooManyRequestsException", 429, "Too many requests");
}

/**
 * The admin APIs' throttle answer (docs/reference.md §7): HTTP 429 `ThrottlingException` with `Message`
 * (and, as the identitystore model binds it, `Retry-After` / `RetryAfterSeconds`).
 */
function adminThrottled(target: string): ApiResponse {
  const identitystore = target.startsWith("AWSIdentityStore.");
  const r = adminResponse(target, 429, {
    __type: "ThrottlingException",
    Message: "Rate exceeded",
    ...(identitystore ? { RetryAfterSeconds: 1 } : {}),
  });
  return identitystore ? { ...r, headers: { ...r.headers, "retry-after": "1" } } : r;
}

function internalError(r: Route, operation: string): ApiResponse {
  switch (r.kind) {
    case "oidc":
      return oidcError(operation, "InternalServerException", "An internal error occurred");
    case "portal":
      return portalError(operation, "InternalServerException", 500, "An internal error occurred");
    case "sts":
      return stsError(
        operation,
        500,
        "InternalFailure",
        "The request processing has failed because of an unknown error.",
        "Receiver",
      );
    case "admin":
      return adminResponse(r.target, 500, {
        __type: "InternalServerException",
        Message: "Internal error.",
      });
    default:
      return jsonResponse("emulator", operation, 500, {
        __type: "InternalServerException",
        Message: "Internal error.",
      });
  }
}

/**
 * The service a request that got no answer (a reset, a client gone) is logged under: the one its
 * answer would have named, so the request log filters by service alike for every outcome.
 */
function unansweredService(r: Route, operation: string): string {
  return internalError(r, operation).service;
}

/** Build the request listener. `records` collects the request log the control API serves. */
export function createRequestHandler(rt: ServerRuntime, records: RequestRecord[]) {
  const oidcBuckets = rt.oidcTps ? new TokenBuckets(rt.oidcTps) : undefined;
  const portalBuckets = rt.portalTps ? new TokenBuckets(rt.portalTps) : undefined;
  // IAM Identity Center's admin APIs share one budget (the "20 TPS collectively" the quotas name).
  const adminBuckets = rt.adminTps ? new TokenBuckets(rt.adminTps) : undefined;

  const record = (service: string, operation: string, status: number, started: number): void => {
    const time = new Date().toISOString();
    records.push({ time, service, operation, status });
    if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
    rt.log?.(`${time} ${service} ${operation} ${status} ${Date.now() - started}ms`);
  };

  const send = (res: ServerResponse, r: ApiResponse, started: number): void => {
    const body = Buffer.from(r.body, "utf8");
    res.writeHead(r.status, {
      ...r.headers,
      "content-length": String(body.length),
      "x-amzn-RequestId": crypto.randomUUID(),
    });
    res.end(body);
    record(r.service, r.operation, r.status, started);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    let r: Route = { kind: "web" };
    let operation = "Unknown";
    try {
      const method = req.method ?? "GET";
      let url: URL;
      try {
        url = new URL(req.url ?? "/", "http://emulator.invalid");
      } catch {
        send(res, jsonResponse("emulator", "BadRequest", 400, { message: "Malformed request URL" }), started);
        return;
      }
      const store = rt.store();
      const { region, path } = resolveRegion(
        url.pathname,
        req.headers.host,
        store.org.instance.region,
        header(req.headers, "authorization"),
      );
      r = route(method, path, url.searchParams, req.headers);

      if (r.kind === "web") {
        const vanity = vanityRedirect(method, path, store.org.instance.startUrl);
        if (vanity) {
          send(res, vanity, started);
          return;
        }
        const handled = await handleWeb(
          { store, baseUrl: rt.baseUrl(), now: () => new Date(store.now()) },
          req,
          res,
        );
        if (!handled && !res.headersSent) {
          const body = "<!doctype html><title>Not found</title><h1>Not found</h1>";
          res.writeHead(404, {
            "content-type": "text/html; charset=utf-8",
            "content-length": String(body.length),
          });
          res.end(body);
        }
        record("web", `${method} ${url.pathname}`, res.statusCode, started);
        return;
      }
      if (r.kind === "control") {
        if (!rt.control) {
          send(res, jsonResponse("control", "NotFound", 404, { message: "Not found" }), started);
          return;
        }
        const body = method === "POST" ? await readBody(req) : Buffer.alloc(0);
        send(res, control(rt, records, method, path, header(req.headers, "content-type"), body), started);
        return;
      }

      operation =
        r.kind === "oidc" || r.kind === "portal" ? r.operation : r.kind === "admin" ? r.target : "STS";
      const body = await readBody(req);
      if (rt.faults.latencyMs > 0) await sleep(rt.faults.latencyMs);
      const buckets = r.kind === "oidc" ? oidcBuckets : r.kind === "portal" ? portalBuckets : undefined;
      // Portal APIs share one collective bucket per access token (as the real service budgets a
      // caller); OIDC operations have one bucket each.
      const bucketKey = r.kind === "portal" ? portalBucketKey(req.headers) : operation;
      if (buckets && (r.kind === "oidc" || r.kind === "portal") && !buckets.take(bucketKey)) {
        send(res, throttled(r), started);
        return;
      }
      if (r.kind === "admin" && adminBuckets && !adminBuckets.take("admin")) {
        send(res, adminThrottled(r.target), started);
        return;
      }
      if (rt.faults.faultRate > 0 && rt.random() < rt.faults.faultRate) {
        if (rt.random() < 0.5) {
          record(unansweredService(r, operation), `${operation} (reset)`, 0, started);
          req.socket.destroy();
          return;
        }
        send(res, internalError(r, operation), started);
        return;
      }
      const ctx: ServiceContext = { store, baseUrl: rt.baseUrl(), autoApprove: rt.autoApprove };
      const apiReq: ApiRequest = {
        method,
        path,
        query: url.searchParams,
        headers: req.headers,
        body,
        region,
      };
      switch (r.kind) {
        case "oidc":
          send(res, handleOidc(ctx, apiReq, r.operation), started);
          return;
        case "portal":
          send(res, handlePortal(ctx, apiReq, r.operation), started);
          return;
        case "sts": {
          const params = stsParams(apiReq);
          operation = params.get("Action") ?? "Unknown";
          send(res, handleSts(ctx, apiReq, params), started);
          return;
        }
        case "admin": {
          let parsed: unknown;
          try {
            const text = utf8Text(body);
            if (text === undefined) throw new SyntaxError("not UTF-8");
            parsed = body.length === 0 ? {} : JSON.parse(text);
          } catch {
            send(
              res,
              adminResponse(r.target, 400, {
                __type: "SerializationException",
                Message: "The request body is not valid JSON.",
              }),
              started,
            );
            return;
          }
          const out = handleAdmin(store, r.target, parsed);
          send(res, adminResponse(r.target, out.status, out.body), started);
          return;
        }
      }
    } catch (e) {
      if (e instanceof ClientGone) {
        // Not a server fault: logged as the 408 node sent (or as a reset), nothing more to write.
        record(unansweredService(r, operation), `${operation} (client gone)`, 408, started);
        if (!res.headersSent) res.destroy();
        return;
      }
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof BodyTooLarge) {
        res.setHeader("connection", "close");
        send(
          res,
          jsonResponse(r.kind, operation, 413, {
            message: `Request body larger than ${MAX_BODY_BYTES} bytes`,
          }),
          started,
        );
        return;
      }
      rt.log?.(`internal error in ${r.kind} ${operation}: ${(e as Error)?.message ?? String(e)}`);
      send(res, internalError(r, operation), started);
    }
  };
}

// ------------------------------------------------------------------------------------------ control API

function control(
  rt: ServerRuntime,
  records: RequestRecord[],
  method: string,
  path: string,
  contentType: string | undefined,
  body: Buffer,
): ApiResponse {
  const ok = (op: string, value: unknown): ApiResponse => jsonResponse("control", op, 200, value);
  const bad = (op: string, status: number, message: string): ApiResponse =>
    jsonResponse("control", op, status, { message });
  const op = path.replace(/^\/_emulator\/?/, "") || "index";
  if (method === "GET" && op === "requests") return ok(op, records);
  if (method === "GET" && op === "faults") return ok(op, rt.faults);
  if (method !== "POST" || !["approve", "faults", "invite", "reset"].includes(op))
    return bad(
      op,
      404,
      "Not found: the control API has GET /_emulator/requests, GET|POST /_emulator/faults, POST /_emulator/approve, POST /_emulator/invite, POST /_emulator/reset",
    );
  // JSON only: a cross-site HTML form cannot send application/json, so no browser page can drive this.
  if (!contentType?.toLowerCase().startsWith("application/json"))
    return bad(op, 415, "Content-Type must be application/json");
  let input: unknown;
  try {
    const text = utf8Text(body);
    if (text === undefined) throw new SyntaxError("not UTF-8");
    input = body.length === 0 ? {} : JSON.parse(text);
  } catch {
    return bad(op, 400, "The body is not valid JSON");
  }
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return bad(op, 400, "The body must be a JSON object");
  const b = input as Record<string, unknown>;
  const store = rt.store();
  if (op === "approve") {
    const { userCode, requestId, user: userName } = b;
    if (typeof userName !== "string" || (typeof userCode === "string") === (typeof requestId === "string"))
      return bad(
        op,
        400,
        'Expected {"userCode": "XXXX-XXXX", "user": "<user name>"} (device) or {"requestId": "<id>", "user": "<user name>"} (browser authorization)',
      );
    const user = store.findUserByName(userName);
    if (!user) return bad(op, 404, `No user named ${JSON.stringify(userName.slice(0, 128))}`);
    try {
      if (typeof userCode === "string") {
        store.approveDevice(userCode, user.userId);
        return ok(op, { approved: true, userCode, user: user.userName });
      }
      const redirect = store.approveAuthorize(requestId as string, user.userId);
      return ok(op, { approved: true, requestId, user: user.userName, redirect });
    } catch (e) {
      if (e instanceof StoreError)
        return bad(op, e.code === "not_found" ? 404 : e.code === "already_decided" ? 409 : 400, e.message);
      throw e;
    }
  }
  if (op === "invite") {
    // The e-mail the real service sends a new user, as a link: emulator/web/invitation.ts.
    const userName = b["user"];
    if (typeof userName !== "string") return bad(op, 400, 'Expected {"user": "<user name>"}');
    const user = store.findUserByName(userName);
    if (!user) return bad(op, 404, `No user named ${JSON.stringify(userName.slice(0, 128))}`);
    return ok(op, {
      user: user.userName,
      url: `${rt.baseUrl()}${inviteUser(store, user.userId, store.now())}`,
    });
  }
  if (op === "faults") {
    const next = { ...rt.faults };
    if (b["faultRate"] !== undefined) {
      const v = b["faultRate"];
      if (typeof v !== "number" || !(v >= 0 && v <= 1))
        return bad(op, 400, "faultRate must be a number from 0 to 1");
      next.faultRate = v;
    }
    if (b["latencyMs"] !== undefined) {
      const v = b["latencyMs"];
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 60_000)
        return bad(op, 400, "latencyMs must be an integer from 0 to 60000");
      next.latencyMs = v;
    }
    rt.faults.faultRate = next.faultRate;
    rt.faults.latencyMs = next.latencyMs;
    return ok(op, rt.faults);
  }
  rt.reset();
  records.length = 0;
  return ok(op, { reset: true });
}
