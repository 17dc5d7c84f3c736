/**
 * Issue 7 defect 2, clock skew: with the old age-based lock, a process whose clock ran 5 minutes ahead
 * of the file system saw every lock as stale and 22 of 30 concurrent edits were lost. Liveness is now
 * decided by the owner and by changes observed on the waiter's own monotonic clock, so editors 5 minutes
 * ahead, 5 minutes behind and on time, all at once, lose nothing. Uses Debian's `faketime`
 * (LD_PRELOAD libfaketime; installed by .ci/run).
 */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/botocore";
import { assertBuilt, cliEnv, hasCommand, portico } from "./fs-support";

const haveFaketime = hasCommand("faketime");
if (!haveFaketime)
  console.warn("skew tests skipped: `faketime` is not installed (apt-get install -y faketime)");

let home: string;
beforeAll(async () => {
  assertBuilt();
  home = await fs.mkdtemp(path.join(os.tmpdir(), "portico-skew-"));
  await fs.mkdir(path.join(home, ".aws"), { mode: 0o700 });
  await fs.writeFile(path.join(home, ".aws", "config"), "[profile p]\nregion = eu-north-1\n", {
    mode: 0o600,
  });
});
afterAll(() => fs.rm(home, { recursive: true, force: true }));

describe.skipIf(!haveFaketime)("clock skew", () => {
  it("30 concurrent edits, a third 5 min ahead, a third 5 min behind: none lost", {
    timeout: 120_000,
  }, async () => {
    const skews = ["+5m", "-5m", undefined];
    const runs = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const skew = skews[i % 3];
        return portico(["config", "set", `k${i}`, `v${i}`, "--profile", "p"], cliEnv(home), {
          ...(skew ? { wrapper: ["faketime", "-f", skew] } : {}),
          timeoutMs: 100_000,
        });
      }),
    );
    const failed = runs.filter((r) => r.code !== 0);
    expect(failed.map((r) => r.stderr)).toEqual([]);
    const parsed = parseConfigText(await fs.readFile(path.join(home, ".aws", "config"), "utf8"));
    expect(parsed.refusal).toBeUndefined();
    const p = parsed.raw.get("profile p")!;
    const missing = Array.from({ length: 30 }, (_, i) => i).filter((i) => p.get(`k${i}`) !== `v${i}`);
    expect(missing).toEqual([]);
    expect(await fs.readdir(path.join(home, ".aws"))).toEqual(["config", "config.portico-backup"]);
  });
});
