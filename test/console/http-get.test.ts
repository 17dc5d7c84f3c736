/**
 * The lean console's one GET (src/console/http-get.ts) against real servers on 127.0.0.1: node:http
 * answering with Content-Length and with chunked bodies, and a raw TCP server sending exact bytes for
 * every framing it accepts and everything it must refuse (undefined: the full command then runs).
 * HTTPS (the certificate chain and name checks) is proven end to end in console-lean.test.ts.
 */
import { createServer as createHttpServer, type Server } from "node:http";
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dechunk, getOnce, MAX_BYTES, parseHead } from "../../src/console/http-get";

let http: Server;
let raw: import("node:net").Server;
let httpUrl: string;
let rawUrl: string;
/** What the raw server answers next (bytes, then whether to close), and the requests it saw. */
let next: { chunks: (string | Buffer)[]; close: boolean } = { chunks: [], close: true };
const seen: string[] = [];

const listen = (s: Server | import("node:net").Server) =>
  new Promise<number>((resolve) =>
    s.listen(0, "127.0.0.1", () => resolve((s.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  http = createHttpServer((req, res) => {
    const body = JSON.stringify({ SigninToken: `tok-${req.url}` });
    if (req.url?.startsWith("/chunked")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(body.slice(0, 5));
      setTimeout(() => res.end(body.slice(5)), 20);
    } else if (req.url === "/big") {
      res.writeHead(200, { "content-length": String(MAX_BYTES + 10) });
      res.end(Buffer.alloc(MAX_BYTES + 10, 0x61));
    } else if (req.url === "/redirect") {
      res.writeHead(302, { location: "http://example.com/" });
      res.end();
    } else {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    }
  });
  raw = createNetServer((sock: Socket) => {
    let req = "";
    sock.on("data", (d) => {
      req += d.toString("latin1");
      if (!req.includes("\r\n\r\n")) return;
      seen.push(req);
      const { chunks, close } = next;
      (async () => {
        for (const c of chunks) {
          sock.write(c);
          await new Promise((r) => setTimeout(r, 5));
        }
        if (close) sock.end();
      })();
    });
    sock.on("error", () => {});
  });
  httpUrl = `http://127.0.0.1:${await listen(http)}`;
  rawUrl = `http://127.0.0.1:${await listen(raw)}`;
});

afterAll(async () => {
  http.closeAllConnections();
  await new Promise((r) => http.close(r));
  await new Promise((r) => raw.close(r));
});

async function rawAnswer(chunks: (string | Buffer)[], close = true, timeoutMs = 2000) {
  next = { chunks, close };
  return getOnce(`${rawUrl}/federation?Action=getSigninToken`, timeoutMs);
}

describe("getOnce against node:http", () => {
  it("Content-Length and chunked bodies, split over several packets", async () => {
    expect(await getOnce(`${httpUrl}/federation?Action=getSigninToken&x=%7B%22a%22%7D`, 2000)).toEqual({
      status: 200,
      body: JSON.stringify({ SigninToken: "tok-/federation?Action=getSigninToken&x=%7B%22a%22%7D" }),
    });
    expect(await getOnce(`${httpUrl}/chunked`, 2000)).toEqual({
      status: 200,
      body: JSON.stringify({ SigninToken: "tok-/chunked" }),
    });
  });

  it("a redirect is returned as it is (never followed); too large a body is refused", async () => {
    expect(await getOnce(`${httpUrl}/redirect`, 2000)).toEqual({ status: 302, body: "" });
    expect(await getOnce(`${httpUrl}/big`, 5000)).toBeUndefined();
  });

  it("nothing listening, a URL it does not take, a silent server: undefined, within the timeout", async () => {
    const closed = createNetServer();
    const port = await listen(closed);
    await new Promise((r) => closed.close(r));
    expect(await getOnce(`http://127.0.0.1:${port}/`, 2000)).toBeUndefined();
    for (const url of ["ftp://127.0.0.1/", "http://user:pw@127.0.0.1/", "not a url"])
      expect(await getOnce(url, 2000)).toBeUndefined();
    const t0 = Date.now();
    expect(await rawAnswer([], false, 300)).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe("getOnce against exact bytes", () => {
  it("sends one plain HTTP/1.1 GET with Host and Connection: close", async () => {
    seen.length = 0;
    await rawAnswer(["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"]);
    expect(seen).toHaveLength(1);
    const port = new URL(rawUrl).port;
    expect(seen[0]).toBe(
      `GET /federation?Action=getSigninToken HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`,
    );
  });

  it.each([
    ["content-length", ["HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n", '{"a":', "1}"], '{"a":1}'],
    ["close-delimited (HTTP/1.0)", ["HTTP/1.0 200 OK\r\n\r\n", "abc"], "abc"],
    [
      "chunked with an extension and a trailer",
      [
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n",
        "2\r\nde\r\n0\r\nX-T: 1\r\n\r\n",
      ],
      "abcde",
    ],
    [
      "chunked, hex sizes",
      ["HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n"],
      "0123456789",
    ],
    ["UTF-8 body", [Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nsé!", "utf8")], "sé!"],
    [
      "a repeated identical Content-Length",
      ["HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx"],
      "x",
    ],
  ])("accepts %s", async (_name, chunks, body) => {
    expect(await rawAnswer(chunks)).toEqual({ status: 200, body });
  });

  it("a 4xx answer with its body", async () => {
    expect(await rawAnswer(["HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nbad"])).toEqual({
      status: 400,
      body: "bad",
    });
  });

  it.each([
    ["a status line that is not HTTP/1.x", ["HTTP/2 200\r\nContent-Length: 1\r\n\r\nx"]],
    [
      "an interim 100 Continue",
      ["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"],
    ],
    ["a folded header line", ["HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\nContent-Length: 1\r\n\r\nx"]],
    ["conflicting Content-Length", ["HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy"]],
    ["a negative or odd Content-Length", ["HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nx"]],
    [
      "Content-Length and chunked together",
      ["HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"],
    ],
    [
      "another transfer coding",
      ["HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"],
    ],
    ["a content coding", ["HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 1\r\n\r\nx"]],
    ["a body cut short", ["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"]],
    ["bytes after the body", ["HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy"]],
    ["a chunked body cut short", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"]],
    ["a chunk without its CRLF", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy0\r\n\r\n"]],
    [
      "a chunk size that is not hex",
      ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n0\r\n\r\n"],
    ],
    [
      "a body that is not UTF-8",
      [Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n\xff\xfe", "latin1")],
    ],
    ["no head at all", ["garbage"]],
    ["a head that never ends", [`HTTP/1.1 200 OK\r\n${"X-A: b\r\n".repeat(3000)}`]],
  ])("refuses %s", async (_name, chunks) => {
    expect(await rawAnswer(chunks)).toBeUndefined();
  });
});

describe("the parsers alone", () => {
  it("parseHead: 204 and 304 have no body; header names are case-blind; spaces around values trimmed", () => {
    expect(parseHead("HTTP/1.1 204 No Content\r\nContent-Length: 5")).toEqual({
      status: 204,
      framing: { kind: "length", length: 0 },
    });
    expect(parseHead("HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh:  12 \t")).toEqual({
      status: 200,
      framing: { kind: "length", length: 12 },
    });
    expect(parseHead("HTTP/1.1 200 OK\r\nbad header: x")).toBeUndefined();
  });

  it("dechunk: needs more until the final empty line", () => {
    expect(dechunk(Buffer.from("3\r\nabc\r\n0\r\n"))).toBe("more");
    expect(dechunk(Buffer.from("3\r\nabc\r\n0\r\n\r\n"))?.toString()).toBe("abc");
    expect(dechunk(Buffer.from("3\r\nab"))).toBe("more");
  });
});
