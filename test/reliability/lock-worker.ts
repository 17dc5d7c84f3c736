/**
 * A worker for test/reliability/lock*.test.ts (run with tsx): `N` locked read-increment-write rounds on
 * `counter`, proving mutual exclusion with an O_EXCL marker inside the critical section (exit 9 on
 * overlap). Every `plant`-th round it leaves a stale lock behind (a dead owner's entry, renamed into
 * place only when the lock is free), so the other workers meet stale locks together — the takeover race.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { withFileLock } from "../../src/platform/lock";

const [counterArg, roundsArg, plantArg, holdArg] = process.argv.slice(2);
const counter = counterArg ?? "counter";
const rounds = Number(roundsArg);
const plant = Number(plantArg ?? 0);
const holdMs = Number(holdArg ?? 1);
const marker = `${counter}.inside`;
const DEAD_PID = 2_147_483_000;

for (let i = 1; i <= rounds; i++) {
  await withFileLock(counter, async () => {
    try {
      await (await fs.open(marker, "wx")).close();
    } catch {
      process.stderr.write(`overlap at round ${i}\n`);
      process.exit(9);
    }
    const n = Number(await fs.readFile(counter, "utf8").catch(() => "0"));
    if (holdMs > 0) await new Promise((r) => setTimeout(r, Math.random() * holdMs));
    await fs.writeFile(counter, String(n + 1));
    await fs.unlink(marker);
  });
  if (plant > 0 && i % plant === 0) {
    const tmp = path.join(path.dirname(counter), `plant.${process.pid}.${i}`);
    await fs.mkdir(tmp);
    const record = {
      v: 2,
      pid: DEAD_PID,
      host: (await import("node:os")).hostname(),
      nonce: `dead${process.pid}x${i}`,
      at: new Date().toISOString(),
    };
    await fs.writeFile(path.join(tmp, `owner.${record.nonce}`), JSON.stringify(record));
    await fs.rename(tmp, `${counter}.lock`).catch(() => fs.rm(tmp, { recursive: true, force: true }));
  }
}
