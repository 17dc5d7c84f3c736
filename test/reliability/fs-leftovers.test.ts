/**
 * Issue 7 defect 9: a kill mid-edit left `.config.PID.*.tmp` — a full copy of the config with the
 * config's mode — behind for good. Now a temp file is created 0600 and gets the target's mode only
 * once the data is in, and the next edit removes the temp files of dead processes.
 */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { prepareAtomicWrite, removeStaleTemps } from "../../src/platform/atomic-file";
import { runCli } from "../cli/support";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-leftovers-"));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const DEAD = 2_147_483_000;
const old = new Date(Date.now() - 60_000);

it("a temp file is 0600 until its data is in, whatever the target's mode", async () => {
  const target = path.join(dir, "config");
  await fs.writeFile(target, "[default]\n", { mode: 0o644 });
  await fs.chmod(target, 0o644);
  const w = await prepareAtomicWrite(target, { mode: 0o644, reserveBytes: 1024 });
  expect((await fs.stat(w.tempFile)).mode & 0o777).toBe(0o600);
  await w.commit("[default]\nregion = x\n");
  expect((await fs.stat(target)).mode & 0o777).toBe(0o644);
  expect(await fs.readFile(target, "utf8")).toBe("[default]\nregion = x\n");
  expect(await fs.readdir(dir)).toEqual(["config"]);
});

it("removeStaleTemps: dead and old → removed; live pid, young, or another file's → kept", async () => {
  const target = path.join(dir, "config");
  const names = {
    dead: `.config.${DEAD}.0123456789ab.tmp`,
    live: `.config.1.0123456789ab.tmp`,
    young: `.config.${DEAD - 1}.0123456789ab.tmp`,
    other: `.credentials.${DEAD}.0123456789ab.tmp`,
    lockDir: `.config.lock.${DEAD}.0123456789ab.tmp`,
  };
  for (const [k, n] of Object.entries(names)) {
    if (k === "lockDir") await fs.mkdir(path.join(dir, n));
    else await fs.writeFile(path.join(dir, n), "secret");
    if (k !== "young") await fs.utimes(path.join(dir, n), old, old);
  }
  expect(await removeStaleTemps(target)).toBe(1);
  expect(await removeStaleTemps(`${target}.lock`)).toBe(1);
  expect((await fs.readdir(dir)).sort()).toEqual([names.other, names.live, names.young].sort());
});

it("the next `config set` removes what a killed edit left", async () => {
  const home = path.join(dir, "home");
  await fs.mkdir(path.join(home, ".aws"), { recursive: true });
  await fs.writeFile(path.join(home, ".aws", "config"), "[profile p]\nregion = a\n");
  const leftover = path.join(home, ".aws", `.config.${DEAD}.0123456789ab.tmp`);
  await fs.writeFile(leftover, "[profile p]\nregion = a\n");
  await fs.utimes(leftover, old, old);
  const r = await runCli(["config", "set", "region", "b", "--profile", "p"], { HOME: home });
  expect(r.code, r.stderr).toBe(0);
  expect(await fs.readdir(path.join(home, ".aws"))).toEqual(["config", "config.portico-backup"]);
});
