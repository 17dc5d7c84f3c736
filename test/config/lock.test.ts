/** The cross-process lock config edits take (src/platform/lock.ts): four processes incrementing one counter never lose an update. */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "portico-lock-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

it("4 processes × 100 locked read-increment-write: exactly 400", async () => {
  const script = path.join(dir, "worker.mts");
  const lockUrl = new URL("../../src/platform/lock.ts", import.meta.url).pathname;
  await writeFile(
    script,
    `import { promises as fs } from "node:fs";
import { withFileLock } from ${JSON.stringify(lockUrl)};
const file = process.argv[2];
for (let i = 0; i < 100; i++) {
  await withFileLock(file, async () => {
    const n = Number(await fs.readFile(file, "utf8").catch(() => "0"));
    await new Promise((r) => setTimeout(r, 1));
    await fs.writeFile(file, String(n + 1));
  });
}
`,
  );
  const counter = path.join(dir, "counter");
  const tsx = new URL("../../node_modules/.bin/tsx", import.meta.url).pathname;
  const run = () =>
    new Promise<number>((resolve) => {
      const c = spawn(tsx, [script, counter], { stdio: ["ignore", "ignore", "inherit"] });
      c.on("exit", (code) => resolve(code ?? 1));
    });
  expect(await Promise.all([run(), run(), run(), run()])).toEqual([0, 0, 0, 0]);
  expect(await readFile(counter, "utf8")).toBe("400");
});
