/**
 * Small HTTP helpers for the web pages: bounded form-body reading, cookie parsing and writing, and
 * responses that always carry the defensive headers (no framing — the Allow buttons must not be
 * clickjackable —, no sniffing, no referrer, no caching of pages that show codes or credentials).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SafeHtml } from "./html";

const MAX_FORM_BYTES = 16 * 1024;

export class FormError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads an `application/x-www-form-urlencoded` body (≤ 16 KiB). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new FormError(415, "Forms must be sent as application/x-www-form-urlencoded.");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_FORM_BYTES) throw new FormError(413, "The form is too large.");
    chunks.push(buf);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name && !out.has(name)) {
      try {
        out.set(name, decodeURIComponent(value));
      } catch {
        // a malformed cookie is ignored, never fatal
      }
    }
  }
  return out;
}

/** Session cookies: HttpOnly (no script access), SameSite=Lax (no cross-site POSTs), Path=/. */
export function sessionCookie(name: string, value: string, maxAgeSeconds?: number): string {
  const age = maxAgeSeconds === undefined ? "" : `; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax${age}`;
}

export const clearCookie = (name: string): string => `${name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;

const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

export interface Reply {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: SafeHtml | string;
  contentType?: string;
}

export function send(res: ServerResponse, reply: Reply): void {
  const body = reply.body === undefined ? "" : String(reply.body);
  const headers: Record<string, string | string[] | number> = {
    ...SECURITY_HEADERS,
    ...(reply.headers ?? {}),
    "Content-Length": Buffer.byteLength(body),
  };
  if (body) headers["Content-Type"] = reply.contentType ?? "text/html; charset=utf-8";
  res.writeHead(reply.status, headers);
  res.end(body);
}

/** Only same-origin relative paths are accepted as `next=` targets: no open redirects. */
export function safeNext(next: string | null | undefined, fallback = "/start"): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\\]/.test(next)) return fallback;
  try {
    const parsed = new URL(next, "http://emulator.invalid");
    if (parsed.origin !== "http://emulator.invalid") return fallback;
    return parsed.pathname + parsed.search;
  } catch {
    return fallback;
  }
}
