/**
 * The emulator under abuse (issue 7): slowloris headers, slow and huge bodies, invalid UTF-8, bad
 * JSON, garbage request lines, hundreds of idle connections. Through all of it the emulator keeps
 * serving well-behaved clients, answers 4xx (never a 5xx or a stack trace), stays within its
 * connection limit and bounded memory. Limits shortened through `limits` so this runs in seconds
 * (the defaults are emulator/server.ts DEFAULT_SERVER_LIMITS, docs/security.md).
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";

const LIMITS = {
  headersTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  checkIntervalMs: 200,
  maxConnections: 200,
};

let emu: RunningEmulator;
let port: number;
beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", limits: LIMITS });
  port = Number(new URL(emu.url).port);
});
afterAll(async () => {
  await emu.stop();
});

/** A well-behaved client: RegisterClient over a fresh connection. */
async function register(): Promise<number> {
  const r = await fetch(`${emu.url}/client/register`, {
    method: "POST",
    headers: { "content-type": "application/json", connection: "close" },
    body: JSON.stringify({ clientName: "ok", clientType: "public" }),
  });
  await r.arrayBuffer();
  return r.status;
}

interface RawResult {
  status: number | undefined;
  body: string;
  closedAfterMs: number;
}

/** Open a raw socket, run `drive` on it, collect what comes back until the server closes it. */
function raw(drive: (s: Socket) => void, giveUpMs = 8000): Promise<RawResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = connect(port, "127.0.0.1");
    let data = "";
    const timer = setTimeout(() => s.destroy(), giveUpMs);
    s.on("connect", () => drive(s));
    s.on("data", (d) => (data += d.toString("latin1")));
    s.on("error", () => undefined);
    s.on("close", () => {
      clearTimeout(timer);
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      resolve({ status: m ? Number(m[1]) : undefined, body: data, closedAfterMs: Date.now() - t0 });
    });
  });
}

const noStack = (text: string) => expect(text).not.toMatch(/\bat [\w.<>]+ \(|node:internal|\.ts:\d+/);

describe("emulator abuse", () => {
  it("slowloris headers: cut with 408 after the header time-out, others served meanwhile", async () => {
    const slow = Array.from({ length: 50 }, () =>
      raw((s) => {
        s.write("POST /client/register HTTP/1.1\r\nHost: x\r\n");
        const t = setInterval(() => (s.writable ? s.write("X-a: b\r\n") : clearInterval(t)), 150);
        s.on("close", () => clearInterval(t));
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    expect(await Promise.all([register(), register(), register()])).toEqual([200, 200, 200]);
    // Served while 50 slow clients hold connections (generous bound: the machine may be loaded).
    expect(Date.now() - t0).toBeLessThan(5000);
    for (const r of await Promise.all(slow)) {
      expect(r.status).toBe(408);
      // Cut by the server (408), well before raw()'s own 8 s give-up.
      expect(r.closedAfterMs).toBeLessThan(7000);
    }
  });

  it("a slow body: 408 after the request time-out", async () => {
    const r = await raw((s) =>
      s.write(
        "POST /client/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
      ),
    );
    expect(r.status).toBe(408);
    expect(r.closedAfterMs).toBeLessThan(7000);
    expect(await register()).toBe(200);
  });

  it("huge bodies: 413 (declared or streamed), memory bounded, service goes on", async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const declared = await raw((s) =>
      s.write(
        "POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{}",
      ),
    );
    expect(declared.status).toBe(413);
    noStack(declared.body);
    // Chunked, no length: 8 MiB streamed until the server stops reading.
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const streamed = await raw((s) => {
      s.write(
        "POST /client/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
      );
      let sent = 0;
      const pump = () => {
        while (s.writable && sent < 128) {
          sent++;
          if (!s.write(`${chunk.length.toString(16)}\r\n`) || !s.write(chunk) || !s.write("\r\n")) {
            s.once("drain", pump);
            return;
          }
        }
      };
      pump();
    });
    expect(streamed.status).toBe(413);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    expect(await register()).toBe(200);
  });

  it("invalid UTF-8, bad JSON, non-objects: 400 with an AWS-shaped error, no stack", async () => {
    const bodies: [string, Buffer | string][] = [
      ["/client/register", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])], // {"\xff\xfe":1}
      ["/client/register", Buffer.from('{"clientName":"\xc3\x28","clientType":"public"}', "latin1")],
      ["/client/register", "{not json"],
      ["/client/register", "[1,2,3]"],
      ["/token", "null"],
      ["/device_authorization", '{"clientId":'],
    ];
    for (const [path, body] of bodies) {
      const r = await fetch(`${emu.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      const text = await r.text();
      expect(r.status, `${path} ${String(body)}`).toBe(400);
      noStack(text);
      expect(JSON.parse(text)).toHaveProperty("error");
    }
    const admin = await fetch(`${emu.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSIdentityStore.ListUsers" },
      body: Buffer.from([0x7b, 0xc0, 0xaf, 0x7d]),
    });
    expect(admin.status).toBe(400);
    expect(await admin.json()).toMatchObject({ __type: "SerializationException" });
  });

  it("garbage request lines and oversized headers: 400 / 431, no stack", async () => {
    const garbage = await raw((s) =>
      s.write("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n"),
    );
    expect(garbage.status).toBe(400);
    noStack(garbage.body);
    const big = await raw((s) =>
      s.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(64 * 1024)}\r\n\r\n`),
    );
    expect(big.status).toBe(431);
    noStack(big.body);
    expect(await register()).toBe(200);
  });

  it("hundreds of idle connections: capped, closed after the idle time-out, service resumes", async () => {
    // Its own emulator with a 3 s header time-out (which is what closes a socket that sends nothing), so
    // "refused at accept" and "closed when idle" are far apart even on a loaded machine.
    const idleMs = 3000;
    const own = await startEmulator({
      seed: "demo",
      limits: { ...LIMITS, headersTimeoutMs: idleMs, requestTimeoutMs: idleMs },
    });
    const ownPort = Number(new URL(own.url).port);
    const sockets: Socket[] = [];
    const closed: number[] = [];
    try {
      const t0 = Date.now();
      await Promise.all(
        Array.from(
          { length: 300 },
          () =>
            new Promise<void>((resolve) => {
              const s = connect(ownPort, "127.0.0.1", () => resolve());
              s.on("error", () => resolve());
              s.on("close", () => closed.push(Date.now() - t0));
              s.resume(); // read what the server sends (a 408), so its close is seen
              sockets.push(s);
            }),
        ),
      );
      const until = async (ok: () => boolean, ms: number) => {
        for (const end = Date.now() + ms; !ok() && Date.now() < end; )
          await new Promise((r) => setTimeout(r, 50));
      };
      // Beyond maxConnections (200) the extra 100 are refused at once, not queued.
      await until(() => closed.length >= 100, idleMs - 500);
      const early = closed.filter((t) => t < idleMs).length;
      expect(early).toBeGreaterThanOrEqual(100);
      expect(early).toBeLessThan(300);
      // The idle ones go after the idle time-out (not before); then everyone is served again.
      await until(() => closed.length === 300, 20_000);
      expect(closed.length).toBe(300);
      expect(closed.filter((t) => t >= idleMs - 100).length).toBeGreaterThanOrEqual(300 - early);
      const r = await fetch(`${own.url}/client/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ clientName: "ok", clientType: "public" }),
      });
      expect(r.status).toBe(200);
    } finally {
      for (const s of sockets) s.destroy();
      await own.stop();
    }
  });

  it("a keep-alive client is not cut between requests by the header time-out", async () => {
    // Two requests on one connection, a pause longer than the header time-out between them: that is the
    // keep-alive time-out's business.
    const r = await raw((s) => {
      const body = '{"clientName":"ok","clientType":"public"}';
      const req = `POST /client/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
      s.write(req);
      setTimeout(
        () => s.writable && s.write(req.replace("HTTP/1.1\r\n", "HTTP/1.1\r\nConnection: close\r\n")),
        1300,
      );
    });
    expect(r.body.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
  });

  it("no 5xx in the request log through all of the above", () => {
    const log = emu.requests();
    expect(log.length).toBeGreaterThan(10);
    expect(log.filter((x) => x.status >= 500)).toEqual([]);
  });
});
