/**
 * `portico serve`: a local container-credentials endpoint — the protocol the SDKs' container provider
 * speaks (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN: GET with the token in
 * the Authorization header → `{AccessKeyId, SecretAccessKey, Token, Expiration}`). Every request
 * resolves the role credentials afresh through the injected `getCredentials` (the resolver's cache and
 * single-flight refresh), so clients always get credentials with time left. The token is compared in
 * constant time; requests without it are refused; nothing secret is ever logged.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AwsCredentials } from "../credentials/types";
import { ExitCode, PorticoError } from "../errors";

export const CREDENTIALS_PATH = "/portico/credentials";

export interface ServeOptions {
  host: string;
  port: number;
  token: string;
  getCredentials: () => Promise<AwsCredentials>;
  /** One line per request for people (method, path, status) — never a credential or the token. */
  log: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A new authorization token (256 random bits, URL-safe). */
export const newToken = (): string => randomBytes(32).toString("base64url");

const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(expected), digest(given));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  res.end(text);
}

/** The container provider's JSON for these credentials. */
export function containerCredentialsBody(c: AwsCredentials): Record<string, string> {
  return {
    AccessKeyId: c.accessKeyId,
    SecretAccessKey: c.secretAccessKey,
    ...(c.sessionToken !== undefined ? { Token: c.sessionToken } : {}),
    ...(c.expiration ? { Expiration: c.expiration.toISOString().replace(/\.\d+Z$/, "Z") } : {}),
    ...(c.accountId ? { AccountId: c.accountId } : {}),
  };
}

export async function startCredentialServer(o: ServeOptions): Promise<RunningServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const finish = (status: number, body: unknown) => {
      send(res, status, body);
      o.log(`${req.method ?? "?"} ${path} ${status}`);
    };
    if (req.method !== "GET") return finish(405, { message: "GET only" });
    if (path !== CREDENTIALS_PATH) return finish(404, { message: "not found" });
    const auth = req.headers.authorization;
    if (!tokenMatches(o.token, typeof auth === "string" ? auth : undefined))
      return finish(auth === undefined ? 401 : 403, {
        code: "InvalidToken",
        message: "the request lacks the right AWS_CONTAINER_AUTHORIZATION_TOKEN",
      });
    try {
      finish(200, containerCredentialsBody(await o.getCredentials()));
    } catch (e) {
      const pe = e instanceof PorticoError ? e : undefined;
      finish(pe?.exitCode === ExitCode.signInRequired ? 401 : 503, {
        code: pe?.code ?? "internal",
        message: pe ? `${pe.message}${pe.hint ? ` (${pe.hint})` : ""}` : "could not get credentials",
      });
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { message: "internal error" });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EADDRINUSE")
        reject(
          new PorticoError("serve_port_in_use", `Port ${o.port} on ${o.host} is already in use`, {
            exitCode: ExitCode.usage,
            hint: "Pick another --port, or --port 0 for a free one",
          }),
        );
      else if (e.code === "EADDRNOTAVAIL" || e.code === "EACCES")
        reject(
          new PorticoError("serve_listen_failed", `Cannot listen on ${o.host}:${o.port} (${e.code})`, {
            exitCode: ExitCode.usage,
            hint: "Use --host 127.0.0.1 and a port above 1023",
          }),
        );
      else reject(e);
    });
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}${CREDENTIALS_PATH}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
