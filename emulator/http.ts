/**
 * The shape every emulated AWS operation works with: a parsed request in, a response value out.
 * Handlers are pure functions of (context, request) → response, so the server alone touches sockets.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { EmulatorStore } from "./store";

export interface ApiRequest {
  method: string;
  /** Path with any `/region/<r>` prefix removed. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The region the client addressed (docs/emulator.md "Regions"). */
  region: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** For the request log: the service and operation this request was. */
  service: string;
  operation: string;
}

export interface ServiceContext {
  store: EmulatorStore;
  /** http://host:port, no trailing slash: where the web pages are. */
  baseUrl: string;
  /** User name to approve device and browser authorizations as, with no browser. */
  autoApprove: string | undefined;
}

export function jsonResponse(
  service: string,
  operation: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ApiResponse {
  return {
    status,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? "" : JSON.stringify(body),
    service,
    operation,
  };
}

/** The body as UTF-8 text; undefined when it is not valid UTF-8 (the caller answers 400, as AWS does). */
export function utf8Text(body: Buffer): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

/** Parse a JSON object body; undefined when it is not one, or not UTF-8 (the caller answers 400). */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  const text = utf8Text(body);
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The header's value, or undefined (joins repeated headers as Node does for most). */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(",") : v;
}

export const xmlEscape = (s: string): string =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
