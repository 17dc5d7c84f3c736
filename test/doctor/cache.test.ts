/**
 * The doctor cache (docs/doctor.md "Cache"): content facts reused only while both files keep their
 * identity (an edit within the same mtime tick is seen through ctime), written only for files settled
 * for 2 s, never for tokens or the environment; tool probes reused by executable identity and shim
 * variables; --no-cache bypasses both. Real files and real executables in fixture HOMEs.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ssoConfigText } from "../../bench/sso-config.mjs";
import { awsPaths, resolveProfileName } from "../../src/config/paths";
import { readChunkStore, writeChunkStore } from "../../src/doctor/cache";
import { chunkedContent } from "../../src/doctor/chunks";
import type { FileRead } from "../../src/doctor/content";
import { findingsJson, runDoctor, runDoctorFromCache, runLocalDoctor } from "../../src/doctor/index";
import { type Fixture, find, fixture } from "./support";

const fixtures: Fixture[] = [];
async function home(files: Record<string, string> = {}) {
  const f = await fixture(files);
  fixtures.push(f);
  return f;
}
afterEach(async () => {
  while (fixtures.length) await fixtures.pop()!.cleanup();
});

const GOOD =
  "[profile dev]\nsso_session = acme\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n\n[sso-session acme]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-north-1\nsso_registration_scopes = sso:account:access\n";
// Files are "settled" 2 s after their last change; the tests look from 10 s ahead instead of sleeping.
const ahead = () => Date.now() + 10_000;

async function doctor(f: Fixture, extra: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}) {
  const r = await runDoctor({
    env: { ...f.env, ...env },
    now: () => new Date(),
    cwd: f.home,
    wallClock: ahead,
    ...extra,
  });
  return { ...r, json: findingsJson(r.findings) };
}

describe("doctor cache: the config file's chunks (src/doctor/chunks.ts)", () => {
  it("edits anywhere, read against the kept chunks and the kept bytes in the data file, report as a whole read", async () => {
    const f = await home({ ".aws/config": ssoConfigText({ profiles: 300, sessions: 1 }) });
    const file = path.join(f.home, ".aws/config");
    await doctor(f);
    const dir = path.join(f.home, ".aws/portico/doctor");
    const data = (await fs.readdir(dir)).filter((n) => n.startsWith("chunks-") && n.endsWith(".bin"));
    expect(data.length).toBe(1);
    expect(((await fs.stat(path.join(dir, data[0]!))).mode & 0o777).toString(8)).toBe("600");
    const text = await fs.readFile(file, "utf8");
    const bases = async () => (await fs.readdir(dir)).filter((n) => n.endsWith(".base"));
    // The patch's length: the last number of the store's first line.
    const patchLength = async () =>
      Number((await fs.readFile(path.join(dir, data[0]!), "latin1")).split("\n", 1)[0]!.split(" ").pop());
    const firstBase = await bases();
    expect(firstBase).toHaveLength(1);
    expect(((await fs.stat(path.join(dir, firstBase[0]!))).mode & 0o777).toString(8)).toBe("600");
    const edits: [string, (t: string) => string][] = [
      ["same text (a touch)", (t) => t],
      [
        "a role in the middle",
        (t) =>
          t.replace(
            "sso_role_name = ReadOnly\nregion = eu-west-1\n\n[profile p150]",
            "sso_role_name = AdministratorAccess\nregion = eu-west-1\n\n[profile p150]",
          ),
      ],
      [
        "a bad account id at the start",
        (t) => t.replace("sso_account_id = 100000000000", "sso_account_id = 12"),
      ],
      ["a comment at the very start", (t) => `# top\n${t}`],
      [
        "a profile at the end",
        (t) => `${t}\n[profile P299]\nsso_session = s0\nsso_account_id = 123456789012\nsso_role_name = X\n`,
      ],
      ["a profile gone", (t) => t.replace(/\[profile p200\][^[]*/, "")],
      [
        "a legacy profile in the middle",
        (t) =>
          t.replace(
            "[profile p100]",
            "[profile old]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = R\n\n[profile p100]",
          ),
      ],
      ["the session's region", (t) => t.replace("sso_region = eu-north-1", "sso_region = eu-central-1")],
    ];
    let now = text;
    const paths = awsPaths(f.env);
    const read = (t: string): FileRead => ({
      input: { file: paths.configFile, kind: "config", text: t },
      text: t,
      bytes: Buffer.from(t),
    });
    const noCred: FileRead = { input: { file: paths.credentialsFile, kind: "credentials", text: undefined } };
    for (const [what, edit] of edits) {
      const before = now;
      now = edit(now);
      expect(now === before, what).toBe(what.startsWith("same text"));
      // The store as the cache reads it back (the kept bytes compared in the data file).
      const r = chunkedContent(paths, read(now), noCred, resolveProfileName(f.env), readChunkStore(paths));
      expect(r, what).toBeDefined();
      if (what === "the session's region") expect(r!.reused, what).toBe(0);
      else expect(r!.reused, what).toBeGreaterThanOrEqual(r!.store.count - 3);
      if (what.startsWith("same text")) expect(r!.analyzed, what).toBe(0);
      await fs.writeFile(file, now);
      const chunked = await doctor(f, { wallClock: Date.now });
      const whole = await doctor(f, { cache: false });
      expect(chunked.facts.contentSource, what).toBe("files");
      expect(chunked.json, what).toEqual(whole.json);
      // The kept bytes (the base, patched) are the file's, read whole and compared a block at a time;
      // small edits keep the first base, and a value edit keeps only the bytes that differ.
      const st = readChunkStore(paths)!;
      expect(st.bytes().toString(), what).toBe(now);
      const same = Buffer.from(now);
      expect(st.common(same), what).toEqual({ start: same.length, end: 0 });
      const other = Buffer.from(`${now.slice(0, 100)}#${now.slice(100)}`);
      expect(st.common(other), what).toEqual({ start: 100, end: same.length - 100 });
      expect(await bases(), what).toEqual(firstBase);
      if (what === "a role in the middle") expect(await patchLength(), what).toBeLessThan(40);
    }
    // An edit bigger than a patch kept over the base: a new base, the old one removed.
    now = `${now}\n${"# a long comment\n".repeat(20_000)}`;
    await fs.writeFile(file, now);
    expect((await doctor(f, { wallClock: Date.now })).json).toEqual((await doctor(f, { cache: false })).json);
    expect(readChunkStore(paths)!.bytes().toString()).toBe(now);
    expect(await patchLength()).toBe(0);
    const newBase = await bases();
    expect(newBase).toHaveLength(1);
    expect(newBase).not.toEqual(firstBase);
    // A store that cannot be written (a folder in its place): the bases stay (the last store's is the
    // one it would read), and the report is the whole read's.
    const storeFile = path.join(dir, data[0]!);
    const saved = await fs.readFile(storeFile);
    await fs.rm(storeFile);
    await fs.mkdir(storeFile);
    now = now.replace("sso_role_name = ReadOnly", "sso_role_name = Blocked");
    await fs.writeFile(file, now);
    const before = await bases();
    expect((await doctor(f, { wallClock: Date.now })).json).toEqual((await doctor(f, { cache: false })).json);
    expect((await bases()).filter((n) => before.includes(n))).toEqual(before);
    await fs.rmdir(storeFile);
    await fs.writeFile(storeFile, saved, { mode: 0o600 });
    // A store cut short, or of another kind: not read (every chunk analysed again), then written whole.
    const store = path.join(dir, data[0]!);
    for (const bad of [
      (b: Buffer) => b.subarray(0, b.indexOf(10) + 40),
      () => Buffer.from("portico-chunks 3 x\n"),
    ]) {
      await fs.writeFile(store, bad(await fs.readFile(store)));
      expect(readChunkStore(paths)).toBeUndefined();
      now = now.replace("sso_role_name = ReadOnly", "sso_role_name = Changed");
      await fs.writeFile(file, now);
      const r = await doctor(f, { wallClock: Date.now });
      expect(r.json).toEqual((await doctor(f, { cache: false })).json);
      expect(readChunkStore(paths)?.count).toBeGreaterThan(5);
    }
  });
});

describe("doctor cache: two doctors writing the chunks at once", () => {
  it("a patch over a base another doctor removed meanwhile is written as a base of its own", async () => {
    const f = await home({ ".aws/config": ssoConfigText({ profiles: 300, sessions: 1 }) });
    await doctor(f, { wallClock: Date.now });
    const paths = awsPaths(f.env);
    const dir = path.join(f.home, ".aws/portico/doctor");
    const bases = async () => (await fs.readdir(dir)).filter((n) => n.endsWith(".base"));
    const [first] = await bases();
    const text = await fs.readFile(paths.configFile, "utf8");
    const read = (t: string): FileRead => ({
      input: { file: paths.configFile, kind: "config", text: t },
      text: t,
      bytes: Buffer.from(t),
    });
    const noCred: FileRead = { input: { file: paths.credentialsFile, kind: "credentials", text: undefined } };
    const sel = resolveProfileName(f.env);
    // Both read the same store and compare with its bytes. A's edit is one role (a patch over the
    // first base); B's is too big for a patch (a new base, the others removed) and is written first.
    const [a, b] = [readChunkStore(paths)!, readChunkStore(paths)!];
    const small = text.replace("sso_role_name = ReadOnly", "sso_role_name = Edited");
    const r = chunkedContent(paths, read(small), noCred, sel, a)!;
    expect(r.reused).toBeGreaterThan(0);
    const big = `${text}\n${"# a long comment\n".repeat(20_000)}`;
    await writeChunkStore(paths, chunkedContent(paths, read(big), noCred, sel, b)!.store);
    expect(await bases()).not.toContain(first);
    await writeChunkStore(paths, r.store);
    // The store on disk reads back, as A's bytes, over a base that exists (the only one left).
    const st = readChunkStore(paths);
    expect(st?.bytes().toString()).toBe(small);
    expect(await bases()).toHaveLength(1);
    expect(chunkedContent(paths, read(small), noCred, sel, st)!.analyzed).toBe(0);
  });
});

describe("doctor cache: content facts", () => {
  it("a second run of unchanged files uses the cache and reports the same; an edit is seen at once", async () => {
    const f = await home({ ".aws/config": `${GOOD}\n[profile js]\nregion = eu-west-1 ; kept by the SDK\n` });
    const cold = await doctor(f);
    expect(cold.facts.contentSource).toBe("files");
    const dir = path.join(f.home, ".aws/portico/doctor");
    const [entry] = (await fs.readdir(dir)).filter((n) => n.startsWith("files-"));
    expect(((await fs.stat(path.join(dir, entry!))).mode & 0o777).toString(8)).toBe("600");
    expect(((await fs.stat(dir)).mode & 0o777).toString(8)).toBe("700");
    const warm = await doctor(f);
    expect(warm.facts.contentSource).toBe("cache");
    expect(warm.json).toEqual(cold.json);
    expect(find(warm.json as never, "files.divergence", "warning").length).toBeGreaterThan(0);
    // An edit of the same size, with the mtime put back: only ctime (which tools cannot set) tells.
    const file = path.join(f.home, ".aws/config");
    const st = await fs.stat(file);
    const text = await fs.readFile(file, "utf8");
    await fs.writeFile(file, text.replace("sso_role_name = ReadOnly", "sso_role_name = AdminXyz"));
    await fs.utimes(file, st.atime, st.mtime);
    const edited = await doctor(f, {}, { AWS_PROFILE: "dev" });
    expect(edited.facts.contentSource).toBe("files");
    expect(find(edited.json as never, "profiles.selected", "ok")[0]!.message).toContain("role AdminXyz");
  });

  it("a file changed within the last 2 s is not kept; --no-cache neither reads nor writes", async () => {
    const f = await home({ ".aws/config": GOOD });
    const dir = path.join(f.home, ".aws/portico/doctor");
    await doctor(f, { wallClock: Date.now });
    // The facts by the files' identity are not kept; the chunks' analyses (keyed by the text itself,
    // src/doctor/chunks.ts) are.
    const kept = await fs.readdir(dir);
    expect(kept.filter((n) => n.startsWith("files-"))).toEqual([]);
    // (By kind: the base's writer part decides where a plain sort puts it.)
    expect(
      kept
        .filter((n) => n.startsWith("chunks-"))
        .sort((x, y) => Number(x.endsWith(".base")) - Number(y.endsWith(".base"))),
    ).toEqual([
      expect.stringMatching(/^chunks-[0-9a-f]{40}\.bin$/),
      expect.stringMatching(/^chunks-[0-9a-f]{40}\.[0-9a-z-]+\.base$/),
    ]);
    await fs.rm(dir, { recursive: true });
    await doctor(f, { cache: false });
    await expect(fs.readdir(dir)).rejects.toThrow();
    await doctor(f);
    expect((await doctor(f)).facts.contentSource).toBe("cache");
    expect((await doctor(f, { cache: false })).facts.contentSource).toBe("files");
  });

  it("each profile selection is computed once per file version; a foreign or torn entry is a miss", async () => {
    const f = await home({ ".aws/config": GOOD });
    await doctor(f);
    const other = await doctor(f, {}, { AWS_PROFILE: "dve" });
    expect(other.facts.contentSource).toBe("files");
    expect(find(other.json as never, "profiles.selected", "problem")[0]!.fix).toContain("--profile dev");
    expect((await doctor(f, {}, { AWS_PROFILE: "dve" })).facts.contentSource).toBe("cache");
    expect((await doctor(f)).facts.contentSource).toBe("cache");
    const dir = path.join(f.home, ".aws/portico/doctor");
    const [entry] = (await fs.readdir(dir)).filter((n) => n.startsWith("files-"));
    await fs.writeFile(path.join(dir, entry!), '{"v":1,"portico":"0.0.0-other"');
    expect((await doctor(f)).facts.contentSource).toBe("files");
  });

  it("a miss of the cache-only run goes on from its lookup; a lookup made for another selection is not used", async () => {
    const f = await home({ ".aws/config": GOOD });
    const o = { env: { ...f.env, AWS_PROFILE: "dev" }, now: () => new Date(), cwd: f.home, wallClock: ahead };
    const miss = await runDoctorFromCache(o);
    if (!("miss" in miss)) throw new Error("expected a miss: nothing is cached yet");
    const whole = findingsJson((await runDoctor({ ...o, cache: false })).findings);
    const resumed = await runLocalDoctor({ ...o, lookup: miss.miss });
    expect(resumed.facts.contentSource).toBe("files");
    expect(findingsJson(resumed.findings)).toEqual(whole);
    // The facts it read are kept under the identity the lookup took: the next run is a hit.
    const hit = await runDoctorFromCache(o);
    expect("findings" in hit && findingsJson(hit.findings)).toEqual(whole);
    // Another environment (AWS_PROFILE) or --profile: looked up again, not taken from that lookup.
    const dve = { ...o, env: { ...f.env, AWS_PROFILE: "dve" } };
    for (const other of [dve, { ...o, profile: "dve" }]) {
      const r = await runLocalDoctor({ ...other, lookup: miss.miss });
      expect(find(findingsJson(r.findings) as never, "profiles.selected", "problem")[0]!.fix).toContain(
        "--profile dev",
      );
    }
  });

  it("tokens and the environment are judged on every run, never cached", async () => {
    const f = await home({ ".aws/config": GOOD });
    await doctor(f);
    let r = await doctor(f);
    expect(r.facts.contentSource).toBe("cache");
    expect(find(r.json as never, "sessions.token", "warning")[0]!.message).toContain("not signed in");
    const { tokenFilePath } = await import("../../src/sso/cache");
    const file = tokenFilePath(path.join(f.home, ".aws/sso/cache"), { cacheKey: "acme" });
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const soon = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
    await fs.writeFile(file, JSON.stringify({ accessToken: "x", expiresAt: soon }), { mode: 0o600 });
    r = await doctor(f, {}, { AWS_DEFAULT_PROFILE: "dev", AWS_PROFILE: "dev2" });
    expect(r.facts.contentSource).toBe("files"); // a new selection (AWS_PROFILE=dev2)
    r = await doctor(f, {}, { AWS_DEFAULT_PROFILE: "dev", AWS_PROFILE: "dev2" });
    expect(r.facts.contentSource).toBe("cache");
    expect(find(r.json as never, "sessions.token", "ok")[0]!.message).toMatch(/signed in, expires in/);
    expect(find(r.json as never, "environment.profile_vars", "warning")).toHaveLength(1);
  });
});

describe("doctor cache: tool probes", () => {
  it("aws --version is asked once per executable version and shim setting", async () => {
    const f = await home({ ".aws/config": GOOD });
    const log = path.join(f.home, "runs.log");
    const aws = path.join(f.bin, "aws");
    const script = (v: string) =>
      `#!/bin/sh\necho run >> '${log}'\necho 'aws-cli/${v} Python/3.11.8 Linux/6.1 exe/x86_64'\n`;
    await fs.writeFile(aws, script("2.15.0"), { mode: 0o755 });
    const runs = async () =>
      (await fs.readFile(log, "utf8").catch(() => "")).split("\n").filter(Boolean).length;
    let r = await doctor(f);
    expect(find(r.json as never, "tools.aws_cli", "ok")[0]!.message).toBe("AWS CLI 2.15.0");
    expect(await runs()).toBe(1);
    r = await doctor(f);
    expect(await runs()).toBe(1);
    expect(find(r.json as never, "tools.aws_cli", "ok")[0]!.message).toBe("AWS CLI 2.15.0");
    // A variable that changes what a shim runs: asked again.
    await doctor(f, {}, { PYENV_VERSION: "3.12.1" });
    expect(await runs()).toBe(2);
    // The executable replaced (an upgrade): asked again, and the new version reported.
    await fs.rm(aws);
    await fs.writeFile(aws, script("2.17.1"), { mode: 0o755 });
    r = await doctor(f);
    expect(await runs()).toBe(3);
    expect(find(r.json as never, "tools.aws_cli", "ok")[0]!.message).toBe("AWS CLI 2.17.1");
    // --no-cache asks every time.
    await doctor(f, { cache: false });
    expect(await runs()).toBe(4);
  });
});

describe("doctor: the project's Node SDK (reported, not required)", () => {
  it("the nearest package.json from the working folder up, its AWS SDK packages and what is installed", async () => {
    const f = await home({
      ".aws/config": GOOD,
      "proj/package.json": JSON.stringify({
        name: "app",
        dependencies: { "@aws-sdk/client-sts": "^3.600.0", express: "^4" },
        devDependencies: { "aws-sdk": "^2.1500.0" },
      }),
      "proj/node_modules/@aws-sdk/client-sts/package.json": JSON.stringify({ version: "3.601.0" }),
      "node_modules/@aws-sdk/credential-provider-sso/package.json": JSON.stringify({ version: "3.598.0" }),
    });
    await fs.mkdir(path.join(f.home, "proj/src/deep"), { recursive: true });
    const r = await doctor(f, { cwd: path.join(f.home, "proj/src/deep") });
    const n = find(r.json as never, "tools.node_sdk", "ok");
    expect(n).toHaveLength(1);
    expect(n[0]!.message).toBe(
      `AWS SDK for JavaScript in ${path.join(f.home, "proj/package.json")}: @aws-sdk/client-sts 3.601.0, aws-sdk not installed`,
    );
    expect(n[0]!.evidence).toEqual([
      `@aws-sdk/client-sts: wanted ^3.600.0, installed 3.601.0 at ${path.join(f.home, "proj/node_modules/@aws-sdk/client-sts")}`,
      "aws-sdk: wanted ^2.1500.0, not installed (npm install)",
      // Found where Node would find it: a node_modules above the project.
      `@aws-sdk/credential-provider-sso 3.598.0 at ${path.join(f.home, "node_modules/@aws-sdk/credential-provider-sso")}`,
    ]);
    const none = await doctor(f, { cwd: path.join(f.home, ".aws") });
    expect(find(none.json as never, "tools.node_sdk", "ok")[0]!.message).toMatch(/^no Node\.js project here/);
  });

  it("kept by working folder while every file it read or looked for is unchanged", async () => {
    const f = await home({
      ".aws/config": GOOD,
      "proj/package.json": JSON.stringify({ dependencies: { "@aws-sdk/client-sts": "^3.600.0" } }),
      "proj/node_modules/@aws-sdk/client-sts/package.json": JSON.stringify({ version: "3.601.0" }),
    });
    const cwd = path.join(f.home, "proj");
    const sdk = async () => find((await doctor(f, { cwd })).json as never, "tools.node_sdk", "ok")[0]!;
    const first = await sdk();
    expect(first.message).toContain("@aws-sdk/client-sts 3.601.0");
    const tools = JSON.parse(await fs.readFile(path.join(f.home, ".aws/portico/doctor/tools.json"), "utf8"));
    const entry = tools.entries[JSON.stringify(["node-sdk", cwd])];
    expect(entry.watch.map((w: [string, unknown]) => w[0])).toContain(path.join(cwd, "package.json"));
    expect(await sdk()).toEqual(first);
    // An upgrade (a file it read), then a provider installed where it looked and found nothing.
    await fs.writeFile(
      path.join(cwd, "node_modules/@aws-sdk/client-sts/package.json"),
      JSON.stringify({ version: "3.650.0" }),
    );
    expect((await sdk()).message).toContain("@aws-sdk/client-sts 3.650.0");
    await fs.mkdir(path.join(cwd, "node_modules/@aws-sdk/token-providers"), { recursive: true });
    await fs.writeFile(
      path.join(cwd, "node_modules/@aws-sdk/token-providers/package.json"),
      JSON.stringify({ version: "3.650.0" }),
    );
    expect((await sdk()).evidence.join("\n")).toContain("@aws-sdk/token-providers 3.650.0");
    // And the same as without the cache.
    const uncached = find((await doctor(f, { cwd, cache: false })).json as never, "tools.node_sdk", "ok")[0];
    expect(await sdk()).toEqual(uncached);
  });
});
