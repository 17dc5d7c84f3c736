/**
 * One HTTP/1.1 GET for the lean `console --print` (src/console/fast-path.ts): the getSigninToken
 * request, over node:net for `http:` (the emulator) and node:tls for `https:` (AWS: the platform's CA
 * store, the host name checked as node:https checks it). node:http costs several ms to load and run
 * cold (its agent, parser and request objects) for one request whose answer is a small JSON document
 * (docs/benchmarks.md "Switching, status, console"), so this sends the request and reads the answer
 * itself — and answers only what it fully understands: a status line, headers, and a body framed by
 * `Content-Length`, `Transfer-Encoding: chunked` or the end of the connection. Anything else (a
 * redirect is the caller's business; an unknown transfer or content coding, a folded or malformed
 * header, conflicting lengths, a body that is not UTF-8, more than MAX_BYTES, a timeout, any socket or
 * TLS error) is undefined, and the caller hands the command to the full one (which uses fetch).
 * No redirects are followed, nothing is retried, the request carries no body.
 */
import { builtin } from "../platform/builtin";

export interface GetAnswer {
  status: number;
  body: string;
}

/** The most a response may take, head and body (the sign-in token answer is well under 2 KB). */
export const MAX_BYTES = 1 << 20;
const MAX_HEAD = 16 << 10;

type Framing = { kind: "length"; length: number } | { kind: "chunked" } | { kind: "close" };

/** Status and framing from the head (the bytes before the blank line), or undefined when not understood. */
export function parseHead(head: string): { status: number; framing: Framing } | undefined {
  const lines = head.split("\r\n");
  const m = /^HTTP\/1\.[01] ([1-5]\d\d)(?: [^\r\n]*)?$/.exec(lines[0]!);
  if (!m) return undefined;
  const status = Number(m[1]);
  if (status < 200) return undefined; // interim answers (100 Continue) are never asked for
  let length: string | undefined;
  let chunked = false;
  for (const line of lines.slice(1)) {
    const h = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!h) return undefined; // also an obsolete folded line (leading space)
    const name = h[1]!.toLowerCase();
    const value = h[2]!;
    if (name === "content-length") {
      if (!/^\d{1,9}$/.test(value) || (length !== undefined && length !== value)) return undefined;
      length = value;
    } else if (name === "transfer-encoding") {
      if (chunked || value.toLowerCase() !== "chunked") return undefined;
      chunked = true;
    } else if (name === "content-encoding" && value.toLowerCase() !== "identity") return undefined;
  }
  if (status === 204 || status === 304) return { status, framing: { kind: "length", length: 0 } };
  if (chunked) return length === undefined ? { status, framing: { kind: "chunked" } } : undefined;
  if (length !== undefined) return { status, framing: { kind: "length", length: Number(length) } };
  return { status, framing: { kind: "close" } };
}

/**
 * A chunked body decoded: the data when `buf` holds the whole body (through the last chunk and the
 * trailer section), "more" while it does not yet, undefined when it is malformed.
 */
export function dechunk(buf: Buffer): Buffer | "more" | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf("\r\n", at, "latin1");
    if (eol < 0) return buf.length - at > 1024 ? undefined : "more";
    const m = /^([0-9A-Fa-f]{1,8})(?:[ \t]*;[^\r\n]*)?$/.exec(buf.toString("latin1", at, eol));
    if (!m) return undefined;
    const size = Number.parseInt(m[1]!, 16);
    at = eol + 2;
    if (size === 0) {
      // trailer fields (ignored) up to the empty line
      for (;;) {
        const end = buf.indexOf("\r\n", at, "latin1");
        if (end < 0) return buf.length - at > MAX_HEAD ? undefined : "more";
        if (end === at) return Buffer.concat(parts);
        at = end + 2;
      }
    }
    if (buf.length < at + size + 2) return "more";
    if (buf[at + size] !== 0x0d || buf[at + size + 1] !== 0x0a) return undefined;
    parts.push(buf.subarray(at, at + size));
    at += size + 2;
  }
}

/** The answer from the bytes read so far: undefined when malformed, "more" while incomplete. */
function answerOf(buf: Buffer, ended: boolean): GetAnswer | "more" | undefined {
  const headEnd = buf.indexOf("\r\n\r\n", 0, "latin1");
  if (headEnd < 0) return ended || buf.length > MAX_HEAD ? undefined : "more";
  const head = parseHead(buf.toString("latin1", 0, headEnd));
  if (!head) return undefined;
  const rest = buf.subarray(headEnd + 4);
  let body: Buffer;
  const f = head.framing;
  if (f.kind === "length") {
    if (rest.length < f.length) return ended ? undefined : "more";
    if (rest.length > f.length) return undefined; // bytes after the answer on a closing connection
    body = rest;
  } else if (f.kind === "chunked") {
    const d = dechunk(rest);
    if (d === "more") return ended ? undefined : "more";
    if (!d) return undefined;
    body = d;
  } else {
    if (!ended) return "more";
    body = rest;
  }
  if (!builtin<typeof import("node:buffer")>("node:buffer").isUtf8(body)) return undefined;
  return { status: head.status, body: body.toString("utf8") };
}

const printable = (s: string): boolean => /^[\x21-\x7e]+$/.test(s);

/** GET `url` (http: or https:, no credentials in it): the status and body, or undefined. Never rejects. */
export function getOnce(url: string, timeoutMs: number): Promise<GetAnswer | undefined> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return resolve(undefined);
    }
    const tls = u.protocol === "https:";
    const target = `${u.pathname}${u.search}`;
    if ((!tls && u.protocol !== "http:") || u.username || u.password || !printable(u.host))
      return resolve(undefined);
    if (!printable(target)) return resolve(undefined);
    const host = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
    const port = Number(u.port || (tls ? 443 : 80));
    let socket: import("node:net").Socket;
    let done = false;
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (answer: GetAnswer | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // Answered: the server closes the connection (Connection: close) or the exiting process does;
      // unref'd, it no longer keeps this one alive (closing it here costs ~1 ms of cold stream code).
      if (answer) socket.unref();
      else socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    try {
      if (tls) {
        const { isIP } = builtin<typeof import("node:net")>("node:net");
        // As node:https: SNI and the certificate's name check for a host name, the address for an IP.
        socket = builtin<typeof import("node:tls")>("node:tls").connect({
          host,
          port,
          ...(isIP(host) ? {} : { servername: host }),
          ALPNProtocols: ["http/1.1"],
        });
      } else socket = builtin<typeof import("node:net")>("node:net").connect({ host, port });
    } catch {
      clearTimeout(timer);
      return resolve(undefined);
    }
    socket.on("error", () => finish(undefined));
    socket.on("data", (d: Buffer) => {
      chunks.push(d);
      size += d.length;
      if (size > MAX_BYTES) return finish(undefined);
      const a = answerOf(chunks.length === 1 ? d : Buffer.concat(chunks), false);
      if (a !== "more") finish(a);
    });
    socket.on("end", () => finish(answerOfEnded(Buffer.concat(chunks))));
    socket.on("close", () => finish(undefined));
    socket.write(
      `GET ${target} HTTP/1.1\r\nHost: ${u.host}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`,
    );
  });
}

function answerOfEnded(buf: Buffer): GetAnswer | undefined {
  const a = answerOf(buf, true);
  return a === "more" ? undefined : a;
}
