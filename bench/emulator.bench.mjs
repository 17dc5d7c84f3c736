// Emulator throughput and latency under many concurrent simulated users (npm run bench:emulator).
//
// Each simulated user does what a sign-in + credentials fetch does on the wire:
//   RegisterClient → StartDeviceAuthorization → CreateToken (auto-approved) → ListAccounts → GetRoleCredentials
// against the built CLI's emulator (`node dist/cli/portico.mjs emulator --auto-approve alice`, its own
// process). Baseline, in the same run: a bare node:http server in its own process answering the same
// number of requests with a small JSON body, driven by the same client with the same concurrency.
// Reported: requests/s, p50 and p99 latency per request, and emulator/baseline ratios.
//
// Usage: node bench/emulator.bench.mjs [--users N] [--concurrency C] [--rounds R] [--write]
//   --write  replace the "Emulator" section of docs/benchmarks.md with this run's numbers.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const USERS = arg("--users", 400);
const CONCURRENCY = arg("--concurrency", 50);
const ROUNDS = arg("--rounds", 3);
const WRITE = process.argv.includes("--write");
const REQUESTS_PER_USER = 5;

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** One HTTP request; resolves { status, body, ms }. */
function call(base, method, path, { body, headers = {} } = {}) {
  const u = new URL(path, base);
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        agent,
        headers: {
          ...(data ? { "content-type": "application/json", "content-length": data.length } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined, ms });
        });
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

async function emulatorUser(base, startUrl, latencies) {
  const ok = (r, what) => {
    latencies.push(r.ms);
    if (r.status !== 200) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const reg = ok(
    await call(base, "POST", "/client/register", {
      body: { clientName: "bench", clientType: "public", scopes: ["sso:account:access"] },
    }),
    "RegisterClient",
  );
  const dev = ok(
    await call(base, "POST", "/device_authorization", {
      body: { clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl },
    }),
    "StartDeviceAuthorization",
  );
  const tok = ok(
    await call(base, "POST", "/token", {
      body: {
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: "urn:ietf:params:oauth:grant-type:device_code",
        deviceCode: dev.deviceCode,
      },
    }),
    "CreateToken",
  );
  const headers = { "x-amz-sso_bearer_token": tok.accessToken };
  const accounts = ok(
    await call(base, "GET", "/assignment/accounts?max_result=100", { headers }),
    "ListAccounts",
  );
  const acct = accounts.accountList[0].accountId;
  ok(
    await call(base, "GET", `/federation/credentials?account_id=${acct}&role_name=AdministratorAccess`, {
      headers,
    }),
    "GetRoleCredentials",
  );
}

async function baselineUser(base, latencies) {
  for (let i = 0; i < REQUESTS_PER_USER; i++) {
    const r = await call(base, i < 3 ? "POST" : "GET", "/", i < 3 ? { body: { clientName: "bench" } } : {});
    latencies.push(r.ms);
    if (r.status !== 200) throw new Error(`baseline: HTTP ${r.status}`);
  }
}

async function drive(userFn) {
  const latencies = [];
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < USERS) {
        next++;
        await userFn(latencies);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { requests: latencies.length, seconds, rps: latencies.length / seconds, p50: pct(50), p99: pct(99) };
}

/** Spawn a server process and read its base URL from the first stdout line. */
function spawnServer(args) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "ignore"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d) => {
      out += d;
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve({ child, url: out.slice(0, nl).trim() });
    });
    child.on("exit", (code) => reject(new Error(`server exited early (${code})`)));
  });
}

const BASELINE = `
const http = require("node:http");
const body = JSON.stringify({ accessToken: "x".repeat(60), tokenType: "Bearer", expiresIn: 3600 });
const s = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => {
  req.resume();
  req.on("end", () => { res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }); res.end(body); });
});
s.listen(0, "127.0.0.1", () => console.log("http://127.0.0.1:" + s.address().port));
process.on("SIGTERM", () => s.close(() => process.exit(0)));
`;

async function main() {
  const base = await spawnServer(["-e", BASELINE]);
  const emu = await spawnServer([
    "dist/cli/portico.mjs",
    "emulator",
    "--port",
    "0",
    "--quiet",
    "--auto-approve",
    "alice",
  ]);
  const startUrl = "https://d-0000000000.awsapps.com/start";
  try {
    // Warm both (JIT, sockets) before measuring.
    for (let i = 0; i < 100; i++) {
      await emulatorUser(emu.url, startUrl, []);
      await baselineUser(base.url, []);
    }
    // Rounds alternate baseline and emulator; each figure is the median over the rounds, which damps
    // the noise of a shared 2-core machine.
    const bs = [];
    const es = [];
    for (let r = 0; r < ROUNDS; r++) {
      bs.push(await drive((l) => baselineUser(base.url, l)));
      es.push(await drive((l) => emulatorUser(emu.url, startUrl, l)));
    }
    const median = (runs) => {
      const pick = (k) => runs.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
      return { requests: runs[0].requests, rps: pick("rps"), p50: pick("p50"), p99: pick("p99") };
    };
    const b = median(bs);
    const e = median(es);
    const fmt = (x) => x.toFixed(1);
    const rows = [
      ["", "requests per round", "req/s", "p50 ms", "p99 ms"],
      ["baseline (bare node:http)", String(b.requests), fmt(b.rps), fmt(b.p50), fmt(b.p99)],
      ["emulator (sign-in + credentials)", String(e.requests), fmt(e.rps), fmt(e.p50), fmt(e.p99)],
    ];
    const table = rows.map((r) => `| ${r.join(" | ")} |`);
    table.splice(1, 0, "|---|---|---|---|---|");
    const ratio = `emulator/baseline: throughput ${(e.rps / b.rps).toFixed(2)}×, p99 latency ${(e.p99 / b.p99).toFixed(2)}×`;
    const section = [
      "## Emulator",
      "",
      "`npm run bench:emulator` (bench/emulator.bench.mjs): " +
        `${USERS} simulated users, ${CONCURRENCY} at a time (median of ${ROUNDS} alternating rounds), each doing RegisterClient → StartDeviceAuthorization → ` +
        "CreateToken (auto-approved) → ListAccounts → GetRoleCredentials against the built `portico emulator` " +
        "(its own process, demo org); baseline in the same run: a bare node:http server process answering the " +
        "same number of keep-alive requests with a small JSON body.",
      "",
      ...table,
      "",
      ratio,
      "",
      `Machine: ${os.cpus().length} cores, node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
      "",
    ].join("\n");
    process.stdout.write(`${section}\n`);
    if (WRITE) {
      const file = "docs/benchmarks.md";
      const doc = readFileSync(file, "utf8");
      const re = /## Emulator\n[\s\S]*?(?=\n## |$)/;
      const updated = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}`;
      writeFileSync(file, updated);
    }
  } finally {
    base.child.kill("SIGTERM");
    emu.child.kill("SIGTERM");
    agent.destroy();
  }
}

await main();
