import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withFileLock } from "../../src/platform/lock";

const run = promisify(execFile);
let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-lock-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const lockModule = path.resolve(__dirname, "../../src/platform/lock.ts");

describe("withFileLock", () => {
  it("serialises read-modify-write across processes: no lost increments", async () => {
    const counter = path.join(dir, "counter");
    await fs.writeFile(counter, "0");
    const script = `
      import { promises as fs } from "node:fs";
      import { withFileLock } from ${JSON.stringify(lockModule)};
      const file = process.argv[1];
      (async () => {
      for (let i = 0; i < 10; i++) {
        await withFileLock(file, async () => {
          const n = Number(await fs.readFile(file, "utf8"));
          await new Promise((r) => setTimeout(r, 1));
          await fs.writeFile(file, String(n + 1));
        });
      }
      })();`;
    const tsx = path.resolve(__dirname, "../../node_modules/.bin/tsx");
    await Promise.all(Array.from({ length: 4 }, () => run(tsx, ["-e", script, counter])));
    expect(await fs.readFile(counter, "utf8")).toBe("40");
    expect(await fs.readdir(dir)).toEqual(["counter"]);
  });

  it("takes over a lock whose owner process is gone", async () => {
    const target = path.join(dir, "t");
    await fs.writeFile(`${target}.lock`, "999999999\n2020-01-01T00:00:00Z\n");
    const result = await withFileLock(target, async () => "ran", { timeoutMs: 2000 });
    expect(result).toBe("ran");
  });

  it("times out with a hint when a live owner keeps the lock", async () => {
    const target = path.join(dir, "t");
    await fs.writeFile(`${target}.lock`, `${process.pid}\nnow\n`);
    await expect(withFileLock(target, async () => "x", { timeoutMs: 200 })).rejects.toMatchObject({
      code: "lock_timeout",
      exitCode: 7,
    });
    await fs.rm(`${target}.lock`);
  });

  it("releases the lock when the critical section throws", async () => {
    const target = path.join(dir, "t");
    await expect(
      withFileLock(target, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await expect(fs.access(`${target}.lock`)).rejects.toThrow();
  });
});
