/**
 * The installed command's V8 code cache (src/platform/code-cache.ts), through a copy of the built
 * dist/cli (`npm run build` first) with TMPDIR pointing at a folder of the test's own: entries are
 * made 0600 in a 0700 folder, taken (not rewritten) on the next run, replaced when unreadable as code,
 * never read or written in a folder someone else could write to, and the output is the same with the
 * cache, without it, and with a broken one.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ssoConfigText } from "../../bench/sso-config.mjs";

const DIST = path.join(__dirname, "../../dist/cli");
let root: string;
let dist: string;
let home: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "portico-code-cache-test-"));
  dist = path.join(root, "dist");
  fs.cpSync(DIST, dist, { recursive: true });
  home = path.join(root, "home");
  fs.mkdirSync(path.join(home, ".aws"), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(home, ".aws", "config"),
    "[profile dev]\nsso_session = acme\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n\n[sso-session acme]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-north-1\n",
  );
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A fresh TMPDIR for one case. */
function tmpdir(name: string): string {
  return fs.mkdtempSync(path.join(root, `${name}-`));
}
const cacheDir = (tmp: string) => path.join(tmp, `portico-code-cache-${process.getuid?.()}`);
const entries = (tmp: string) => (fs.existsSync(cacheDir(tmp)) ? fs.readdirSync(cacheDir(tmp)).sort() : []);

function portico(args: string[], tmp: string, extra: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [path.join(dist, "portico.cjs"), ...args], {
    env: { PATH: process.env["PATH"], HOME: home, TMPDIR: tmp, NO_COLOR: "1", ...extra },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const uncached = (args: string[]) => portico(args, tmpdir(`off-${args[0]}`), { PORTICO_NO_CODE_CACHE: "1" });

describe.skipIf(process.getuid === undefined)("the code cache", () => {
  it("keeps one entry per bundle and command, 0600 in a 0700 folder, taken as is on the next run", () => {
    const tmp = tmpdir("fresh");
    const want = { status: uncached(["status"]), version: uncached(["--version"]) };
    expect(want.status.code).toBe(0);
    expect(portico(["status"], tmp)).toEqual(want.status);
    expect(portico(["--version"], tmp)).toEqual(want.version);
    const dir = cacheDir(tmp);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const names = entries(tmp);
    // status loads only its own bundle; --version the launcher (which declines) before the full CLI
    expect(names.map((n) => n.split(".").slice(1, 3).join("."))).toEqual(["launcher.cli", "status.status"]);
    const before = names.map((n) => fs.statSync(path.join(dir, n)));
    for (const st of before) expect(st.mode & 0o777).toBe(0o600);
    expect(portico(["status"], tmp)).toEqual(want.status);
    expect(portico(["--version"], tmp)).toEqual(want.version);
    expect(entries(tmp)).toEqual(names);
    const after = names.map((n) => fs.statSync(path.join(dir, n)));
    // V8 accepted them: not written again
    expect(after.map((s) => [s.ino, s.mtimeMs])).toEqual(before.map((s) => [s.ino, s.mtimeMs]));
  });

  it("an entry from a run handed to the full CLI is partial, replaced by the first run that answers", async () => {
    const tmp = tmpdir("partial");
    // status answers only from its index, which a full run writes for files older than 2 s
    await new Promise((r) => setTimeout(r, 2100));
    const first = portico(["status"], tmp);
    expect(first.code, first.stderr).toBe(0);
    const [part] = entries(tmp);
    expect(part).toMatch(/\.status\.status\..*\.part\.bin$/);
    expect(portico(["status"], tmp)).toEqual(first);
    const [full] = entries(tmp);
    expect(entries(tmp)).toHaveLength(1);
    expect(full).toBe((part as string).replace(".part.bin", ".bin"));
    const st = fs.statSync(path.join(cacheDir(tmp), full as string));
    expect(portico(["status"], tmp)).toEqual(first);
    expect(fs.statSync(path.join(cacheDir(tmp), full as string)).ino).toBe(st.ino);
  });

  it("doctor's entry is partial until an edit's run (a hit and a first read skip code an edit runs)", async () => {
    const tmp = tmpdir("doctor");
    // A HOME of its own, with nothing doctor --fix could change (a hit answers only then), and a
    // config of two chunks (41 sections: src/doctor/chunks.ts cuts every 32).
    const own = path.join(root, "doctor-home");
    fs.mkdirSync(path.join(own, ".aws"), { recursive: true, mode: 0o700 });
    const config = path.join(own, ".aws", "config");
    const text = ssoConfigText({ profiles: 40, sessions: 1 });
    fs.writeFileSync(config, text, { mode: 0o600 });
    const run = (extra: NodeJS.ProcessEnv = {}) =>
      portico(["doctor", "--json"], tmp, { HOME: own, PATH: path.join(root, "no-bin"), ...extra });
    const uncached = () => run({ PORTICO_NO_CODE_CACHE: "1" });
    // The doctor cache keeps the facts of files unchanged for 2 s: filled by a run without the code cache.
    await new Promise((r) => setTimeout(r, 2100));
    const want = uncached();
    expect(JSON.parse(want.stdout).every((f: { fix?: string }) => !f.fix?.includes("doctor --fix"))).toBe(
      true,
    );
    expect(run()).toEqual(want);
    const [part] = entries(tmp);
    expect(part).toMatch(/\.doctor-fast\.doctor\..*\.part\.bin$/);
    const ino = () => fs.statSync(path.join(cacheDir(tmp), part as string)).ino;
    const st = fs.statSync(path.join(cacheDir(tmp), part as string));
    // Another hit, and a touch (the same text, answered from the kept chunks): taken as it is.
    expect(run()).toEqual(want);
    const t = new Date();
    fs.utimesSync(config, t, t);
    expect(run()).toEqual(want);
    expect(entries(tmp)).toEqual([part]);
    expect(ino()).toBe(st.ino);
    // An edit in the second chunk (the first kept): the whole entry replaces the partial one.
    const changed = text.replace(/(\[profile p39\][^[]*sso_role_name = )ReadOnly/, "$1Admin");
    expect(changed).not.toBe(text);
    fs.writeFileSync(config, changed);
    expect(run()).toEqual(uncached());
    expect(entries(tmp)).toEqual([(part as string).replace(".part.bin", ".bin")]);
    const full = fs.statSync(path.join(cacheDir(tmp), entries(tmp)[0] as string));
    expect(full.size).toBeGreaterThan(st.size);
  });

  it("replaces an entry V8 refuses (garbage, truncated, empty) and answers the same", () => {
    const tmp = tmpdir("broken");
    const want = uncached(["status"]);
    portico(["status"], tmp);
    const [name] = entries(tmp);
    const file = path.join(cacheDir(tmp), name as string);
    const good = fs.readFileSync(file);
    for (const bad of [randomBytes(good.length), good.subarray(0, good.length >> 1), Buffer.alloc(0)]) {
      fs.writeFileSync(file, bad);
      expect(portico(["status"], tmp)).toEqual(want);
      const now = fs.readFileSync(file);
      expect(now.equals(bad)).toBe(false);
      expect(now.length).toBeGreaterThan(1000);
      expect(entries(tmp)).toEqual([name]);
    }
  });

  it("never reads or writes a folder that is not this user's own 0700 folder", () => {
    const cases: [string, (dir: string) => void][] = [
      ["group and others can enter", (d) => fs.chmodSync(d, 0o755)],
      [
        "a symlink to a 0700 folder",
        (d) => {
          const real = `${d}-real`;
          fs.renameSync(d, real);
          fs.symlinkSync(real, d);
        },
      ],
    ];
    if (process.getuid?.() === 0) cases.push(["owned by someone else", (d) => fs.chownSync(d, 65534, 65534)]);
    for (const [what, spoil] of cases) {
      const tmp = tmpdir(`untrusted-${what.replace(/\W+/g, "-")}`);
      const want = uncached(["status"]);
      portico(["status"], tmp);
      const dir = cacheDir(tmp);
      const [name] = entries(tmp);
      const file = path.join(dir, name as string);
      // garbage V8 would refuse (and the cache would rewrite) if the folder were trusted
      fs.writeFileSync(file, "not code");
      spoil(dir);
      expect(portico(["status"], tmp), what).toEqual(want);
      expect(fs.readFileSync(file, "utf8"), what).toBe("not code");
      expect(entries(tmp), what).toEqual([name]);
    }
  });

  it("is off with PORTICO_NO_CODE_CACHE=1 and harmless where TMPDIR cannot be written", () => {
    const off = tmpdir("off");
    const want = uncached(["status"]);
    expect(portico(["status"], off, { PORTICO_NO_CODE_CACHE: "1" })).toEqual(want);
    expect(fs.existsSync(cacheDir(off))).toBe(false);
    expect(portico(["status"], path.join(root, "no", "such", "tmp"))).toEqual(want);
    const ro = tmpdir("read-only");
    fs.chmodSync(ro, 0o555);
    if (process.getuid?.() !== 0) {
      expect(portico(["status"], ro)).toEqual(want);
      expect(fs.existsSync(cacheDir(ro))).toBe(false);
    }
    fs.chmodSync(ro, 0o755);
  });

  it("writing an entry removes other bundles' entries written more than 30 days ago, and only those", () => {
    const tmp = tmpdir("stale");
    portico(["--version"], tmp);
    const dir = cacheDir(tmp);
    const old = path.join(dir, "00000000.gone.status.x.v0-x64.bin");
    const recent = path.join(dir, "00000000.other.status.x.v0-x64.bin");
    fs.writeFileSync(old, "old", { mode: 0o600 });
    fs.writeFileSync(recent, "recent", { mode: 0o600 });
    const longAgo = new Date(Date.now() - 31 * 24 * 3_600_000);
    fs.utimesSync(old, longAgo, longAgo);
    const kept = entries(tmp).filter((n) => n.includes(".launcher.cli."));
    // a command whose entry is not there yet writes one (and sweeps)
    expect(portico(["status"], tmp).code).toBe(0);
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(recent)).toBe(true);
    for (const n of kept) expect(fs.existsSync(path.join(dir, n))).toBe(true);
  });

  it("a rebuilt bundle gets a new entry and the old one is removed", () => {
    const tmp = tmpdir("rebuilt");
    const want = uncached(["status"]);
    portico(["status"], tmp);
    const [old] = entries(tmp);
    const bundle = path.join(dist, "status.cjs");
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(bundle, later, later);
    expect(portico(["status"], tmp)).toEqual(want);
    const now = entries(tmp);
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(old);
  });
});
