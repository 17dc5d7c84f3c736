/**
 * Issue 7 defect 2: the lock (src/platform/lock.ts, docs/reliability.md "Locks"). Liveness by owner
 * (pid + start time, host, boot, pid namespace), never by age; the record is complete before the lock
 * exists; heartbeats; release and takeover remove one entry by its unique name; owners on another host
 * are honoured with a bounded wait and a message naming host and pid.
 */
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type OwnerRecord, processStartTime, withFileLock } from "../../src/platform/lock";
import { runChild, TSX } from "./fs-support";

let dir: string;
let target: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-lock2-"));
  target = path.join(dir, "config");
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const DEAD_PID = 2_147_483_000;

/** Put an owner entry in place as another process would have (record complete, then renamed in). */
async function plant(record: Partial<OwnerRecord> | string, name = "owner.planted"): Promise<string> {
  const tmp = path.join(dir, "planting");
  await fs.mkdir(tmp);
  const text =
    typeof record === "string"
      ? record
      : JSON.stringify({
          v: 2,
          host: os.hostname(),
          nonce: "planted",
          at: new Date().toISOString(),
          ...record,
        });
  await fs.writeFile(path.join(tmp, name), text);
  await fs.rename(tmp, `${target}.lock`);
  return path.join(`${target}.lock`, name);
}

const timed = async <T>(p: Promise<T>): Promise<{ value: T; ms: number }> => {
  const t0 = performance.now();
  const value = await p;
  return { value, ms: performance.now() - t0 };
};

describe("stale locks are taken over at once, whatever the clocks say", () => {
  it("an empty lock folder is free", async () => {
    await fs.mkdir(`${target}.lock`);
    expect(await withFileLock(target, async (l) => l.held)).toBe(true);
    await expect(fs.access(`${target}.lock`)).rejects.toThrow();
  });

  it("a dead owner's lock, however recent", async () => {
    await plant({ pid: DEAD_PID });
    // A live-looking owner would make this time out (its entry never changes): success = taken over.
    expect(await withFileLock(target, async () => "ran", { timeoutMs: 1_000 })).toBe("ran");
  });

  it("a live pid with another start time (pid reused) is a dead owner", async () => {
    await plant({ pid: process.pid, start: "1" });
    expect(await withFileLock(target, async () => "ran", { timeoutMs: 1_000 })).toBe("ran");
  });

  it("an owner from a previous boot of this host", async () => {
    await plant({
      pid: process.pid,
      boot: "00000000-0000-0000-0000-000000000000",
      at: "2000-01-01T00:00:00Z",
    });
    expect(await withFileLock(target, async () => "ran", { timeoutMs: 60_000, stallMs: 60_000 })).toBe("ran");
  });

  it("an empty (power-loss) entry is taken over after ~2 s even with its mtime in the future", async () => {
    const entry = await plant("");
    const future = new Date(Date.now() + 3600_000);
    await fs.utimes(entry, future, future);
    const r = await timed(withFileLock(target, async () => "ran", { timeoutMs: 60_000 }));
    expect(r.value).toBe("ran");
    expect(r.ms).toBeGreaterThan(1_500);
  });

  it("an old empty lock FILE (older portico crashed between create and write)", async () => {
    await fs.writeFile(`${target}.lock`, "");
    const past = new Date(Date.now() - 60_000);
    await fs.utimes(`${target}.lock`, past, past);
    expect(await withFileLock(target, async () => "ran", { timeoutMs: 60_000 })).toBe("ran");
  });
});

describe("live owners are honoured", () => {
  it("a local holder that works longer than timeoutMs keeps the lock; the waiter waits (progress, not a fixed time)", async () => {
    const order: string[] = [];
    const holder = withFileLock(
      target,
      async () => {
        order.push("holder in");
        await new Promise((r) => setTimeout(r, 2_500));
        order.push("holder out");
      },
      { heartbeatMs: 200 },
    );
    await new Promise((r) => setTimeout(r, 100));
    const waiter = withFileLock(target, async () => order.push("waiter in"), {
      timeoutMs: 800,
      stallMs: 60_000,
    });
    await Promise.all([holder, waiter]);
    expect(order).toEqual(["holder in", "holder out", "waiter in"]);
  });

  it("an owner on another host that heartbeats: lock_timeout after the bounded wait, naming host and pid", async () => {
    const entry = await plant({ pid: 4242, host: "build-box-7" });
    const beat = setInterval(() => {
      const t = new Date();
      void fs.utimes(entry, t, t).catch(() => {});
    }, 100);
    try {
      const err = await withFileLock(target, async () => "ran", { timeoutMs: 1_200, stallMs: 800 }).catch(
        (e) => e,
      );
      expect(err).toMatchObject({ code: "lock_timeout", exitCode: 7 });
      expect(err.message).toContain("pid 4242 on host build-box-7");
      expect(err.hint).toContain("build-box-7");
    } finally {
      clearInterval(beat);
    }
  });

  it("an owner on another host that stopped heartbeating is taken over after stallMs", async () => {
    await plant({ pid: 4242, host: "build-box-7" });
    const r = await timed(withFileLock(target, async () => "ran", { timeoutMs: 30_000, stallMs: 700 }));
    expect(r.value).toBe("ran");
    expect(r.ms).toBeGreaterThan(600);
  });

  it("a live local process that stops making progress (SIGSTOP): lock_timeout naming its pid, lock kept", async () => {
    const script = `import { withFileLock } from ${JSON.stringify(path.resolve(__dirname, "../../src/platform/lock.ts"))};
await withFileLock(process.argv[2], async () => { process.stdout.write("held\\n"); await new Promise((r) => setTimeout(r, 60000)); }, { heartbeatMs: 100 });`;
    const file = path.join(dir, "hold.mts");
    await fs.writeFile(file, script);
    const child = spawn(TSX, [file, target], { stdio: ["ignore", "pipe", "inherit"] });
    let holderPid = 0;
    try {
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      holderPid = Number(
        JSON.parse(
          await fs.readFile(path.join(`${target}.lock`, (await fs.readdir(`${target}.lock`))[0]!), "utf8"),
        ).pid,
      );
      process.kill(holderPid, "SIGSTOP");
      const err = await withFileLock(target, async () => "ran", { timeoutMs: 1_000 }).catch((e) => e);
      expect(err).toMatchObject({ code: "lock_timeout" });
      expect(err.message).toContain(`pid ${holderPid}`);
      expect(err.message).toContain("has not made progress");
      expect(await fs.readdir(`${target}.lock`)).toHaveLength(1);
    } finally {
      if (holderPid) {
        process.kill(holderPid, "SIGKILL");
        process.kill(holderPid, "SIGCONT");
      }
      child.kill("SIGKILL");
      child.stdout.destroy();
    }
  });
});

describe("ownership", () => {
  it("release removes only this process's entry, never a successor's", async () => {
    await withFileLock(
      target,
      async () => {
        // Simulate a takeover while we were (wrongly) judged dead: another owner's entry replaces ours.
        const [mine] = await fs.readdir(`${target}.lock`);
        await fs.unlink(path.join(`${target}.lock`, mine!));
        await fs.writeFile(
          path.join(`${target}.lock`, "owner.successor"),
          JSON.stringify({ v: 2, pid: 1, host: "x", nonce: "successor", at: "" }),
        );
      },
      { heartbeatMs: 50 },
    );
    expect(await fs.readdir(`${target}.lock`)).toEqual(["owner.successor"]);
  });

  it("the owner record names pid, start time, host, boot and a nonce, and is complete in the lock", async () => {
    const rec = await withFileLock(target, async () => {
      const [name] = await fs.readdir(`${target}.lock`);
      return { name, rec: JSON.parse(await fs.readFile(path.join(`${target}.lock`, name!), "utf8")) };
    });
    expect(rec.name).toBe(`owner.${rec.rec.nonce}`);
    expect(rec.rec).toMatchObject({
      v: 2,
      pid: process.pid,
      host: os.hostname(),
      start: await processStartTime("self"),
    });
    expect(rec.rec.nonce).toMatch(/^[0-9a-f]{16}$/);
  });

  it("6 processes racing through stale locks planted every 3rd round: no overlap, no lost increment", {
    timeout: 120_000,
  }, async () => {
    const worker = path.resolve(__dirname, "lock-worker.ts");
    const runs = await Promise.all(
      Array.from({ length: 6 }, () =>
        runChild(TSX, [worker, target, "40", "3", "2"], process.env, { timeoutMs: 100_000 }),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(await fs.readFile(target, "utf8")).toBe("240");
  });
});
