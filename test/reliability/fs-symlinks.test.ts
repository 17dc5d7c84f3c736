/**
 * Issue 7 defect 1: links are resolved as the kernel resolves them (real folder first, then each link's
 * target relative to the link's real folder), for every file portico writes. The first test is the
 * exact scenario of the issue (a dotfiles repository): before the fix the edit exited 0, left the real
 * file unchanged and created a stray file.
 */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { awsPaths } from "../../src/config/paths";
import { writeCachedRoleCredentials } from "../../src/credentials/cache";
import { writeCredentialsSection } from "../../src/credentials/credentials-file";
import { readToken, writeRegistration, writeToken } from "../../src/sso/cache";
import { runCli } from "../cli/support";

let root: string;
let home: string;
beforeEach(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "portico-links-")));
  home = path.join(root, "home");
  await fs.mkdir(home, { mode: 0o700 });
});
afterEach(() => fs.rm(root, { recursive: true, force: true }));

/** Every path under `dir` (links shown as `name -> target`), sorted. */
async function tree(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await fs.readdir(dir)).sort()) {
    const p = path.join(dir, name);
    const st = await fs.lstat(p);
    if (st.isSymbolicLink()) out.push(`${prefix}${name} -> ${await fs.readlink(p)}`);
    else if (st.isDirectory()) out.push(`${prefix}${name}/`, ...(await tree(p, `${prefix}${name}/`)));
    else out.push(`${prefix}${name}`);
  }
  return out;
}

const env = () => ({ HOME: home, NO_COLOR: "1" });

describe("config edits through links", () => {
  it("the issue's dotfiles layout: ~/.aws → ../real, real/config → ../dotfiles/aws-config", async () => {
    await fs.mkdir(path.join(root, "real"));
    await fs.mkdir(path.join(root, "dotfiles"));
    await fs.writeFile(path.join(root, "dotfiles", "aws-config"), "[profile p]\nregion = a\n");
    await fs.symlink("../real", path.join(home, ".aws"));
    await fs.symlink("../dotfiles/aws-config", path.join(root, "real", "config"));

    const r = await runCli(["config", "set", "region", "b", "--profile", "p", "--create"], env());
    expect(r.code, r.stderr).toBe(0);
    expect(await fs.readFile(path.join(root, "dotfiles", "aws-config"), "utf8")).toBe(
      "[profile p]\nregion = b\n",
    );
    // The links survive, and nothing was created anywhere else (the backup sits beside the real file).
    expect(await tree(root)).toEqual([
      "dotfiles/",
      "dotfiles/aws-config",
      "dotfiles/aws-config.portico-backup",
      "home/",
      "home/.aws -> ../real",
      "real/",
      "real/config -> ../dotfiles/aws-config",
    ]);
    // What botocore would read through the links is the edited file.
    expect(await fs.readFile(path.join(home, ".aws", "config"), "utf8")).toContain("region = b");
  });

  it("a chain of absolute and relative links, through a linked folder", async () => {
    await fs.mkdir(path.join(root, "a", "b"), { recursive: true });
    await fs.mkdir(path.join(root, "store"));
    await fs.mkdir(path.join(home, ".aws"));
    await fs.writeFile(path.join(root, "store", "cfg"), "[default]\nregion = a\n");
    // ~/.aws/config → /abs/a/l1 (absolute) → b/l2 (relative) → ../../linkdir/cfg, linkdir → store
    await fs.symlink(path.join(root, "a", "l1"), path.join(home, ".aws", "config"));
    await fs.symlink("b/l2", path.join(root, "a", "l1"));
    await fs.symlink("../../linkdir/cfg", path.join(root, "a", "b", "l2"));
    await fs.symlink("store", path.join(root, "linkdir"));
    const r = await runCli(["config", "set", "output", "json", "--profile", "default"], env());
    expect(r.code, r.stderr).toBe(0);
    expect(await fs.readFile(path.join(root, "store", "cfg"), "utf8")).toBe(
      "[default]\nregion = a\noutput = json\n",
    );
    for (const l of ["a/l1", "a/b/l2", "linkdir"])
      expect((await fs.lstat(path.join(root, l))).isSymbolicLink()).toBe(true);
    expect((await fs.lstat(path.join(home, ".aws", "config"))).isSymbolicLink()).toBe(true);
  });

  it("a dangling link to the file: a clear error and nothing created", async () => {
    await fs.mkdir(path.join(home, ".aws"));
    await fs.symlink("../../nowhere/config", path.join(home, ".aws", "config"));
    const before = await tree(root);
    const r = await runCli(["config", "set", "region", "b", "--profile", "p", "--create"], env());
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("does not exist");
    expect(r.stderr).toContain(path.join(root, "nowhere", "config"));
    expect(await tree(root)).toEqual(before);
  });

  it("a dangling ~/.aws link: a clear error and nothing created", async () => {
    await fs.symlink("../missing", path.join(home, ".aws"));
    const before = await tree(root);
    const r = await runCli(["config", "set", "region", "b", "--profile", "p", "--create"], env());
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/symbolic link .* does not exist/);
    expect(await tree(root)).toEqual(before);
  });

  it("a link to a folder (or a folder) where the config should be: a clear error", async () => {
    await fs.mkdir(path.join(home, ".aws"));
    await fs.mkdir(path.join(root, "adir"));
    await fs.symlink("../../adir", path.join(home, ".aws", "config"));
    const r = await runCli(["config", "set", "region", "b", "--profile", "p", "--create"], env());
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("is a directory, not a regular file");
    expect(await fs.readdir(path.join(root, "adir"))).toEqual([]);
  });

  it("a symlinked HOME works like a plain one", async () => {
    await fs.symlink("home", path.join(root, "home-link"));
    const r = await runCli(["config", "set", "region", "b", "--profile", "p", "--create"], {
      HOME: path.join(root, "home-link"),
      NO_COLOR: "1",
    });
    expect(r.code, r.stderr).toBe(0);
    expect(await fs.readFile(path.join(home, ".aws", "config"), "utf8")).toBe("[profile p]\nregion = b\n");
  });
});

describe("caches and the credentials file through links", () => {
  const creds = {
    accessKeyId: "ASIAEXAMPLEEXAMPLE12",
    secretAccessKey: "secretsecretsecretsecretsecretsecret1234",
    sessionToken: "token",
    expiration: new Date(Date.now() + 3600_000),
  };

  it("token, registration, role-credential cache and credentials file land where the links point", async () => {
    // ~/.aws → ../dot/aws (relative), and the credentials file a further relative link inside it.
    await fs.mkdir(path.join(root, "dot", "aws"), { recursive: true });
    await fs.mkdir(path.join(root, "dot", "secret"));
    await fs.symlink("../dot/aws", path.join(home, ".aws"));
    await fs.symlink("../secret/creds", path.join(root, "dot", "aws", "credentials"));
    await fs.writeFile(path.join(root, "dot", "secret", "creds"), "[other]\naws_access_key_id = x\n", {
      mode: 0o600,
    });
    const paths = awsPaths({ HOME: home });

    const token = { accessToken: "at", expiresAt: new Date(Date.now() + 3600_000), region: "eu-north-1" };
    await writeToken(paths.ssoCacheDir, { cacheKey: "acme" }, token);
    expect((await readToken(paths.ssoCacheDir, { cacheKey: "acme" })).status).toBe("ok");
    await writeRegistration(path.join(paths.ssoCacheDir, "reg.json"), {
      clientId: "c",
      clientSecret: "s",
      expiresAt: new Date(Date.now() + 3600_000),
    });
    await writeCachedRoleCredentials(path.join(paths.cliCacheDir, "k.json"), creds);
    const w = await writeCredentialsSection({ env: { HOME: home } }, "portico-dev", creds);
    expect(w.changed).toBe(true);

    expect(await tree(path.join(root, "dot"))).toEqual([
      "aws/",
      "aws/cli/",
      "aws/cli/cache/",
      "aws/cli/cache/k.json",
      "aws/credentials -> ../secret/creds",
      "aws/sso/",
      "aws/sso/cache/",
      expect.stringMatching(/^aws\/sso\/cache\/[0-9a-f]{40}\.json$/),
      "aws/sso/cache/reg.json",
      "secret/",
      "secret/creds",
      "secret/creds.portico-backup",
    ]);
    expect(await fs.readFile(path.join(root, "dot", "secret", "creds"), "utf8")).toContain("[portico-dev]");
    expect(await tree(home)).toEqual([".aws -> ../dot/aws"]);
  });

  it("a cache file that is a dangling link is an error, not a new file somewhere", async () => {
    const paths = awsPaths({ HOME: home });
    await fs.mkdir(paths.cliCacheDir, { recursive: true });
    await fs.symlink("../gone/k.json", path.join(paths.cliCacheDir, "k.json"));
    await expect(
      writeCachedRoleCredentials(path.join(paths.cliCacheDir, "k.json"), creds),
    ).rejects.toMatchObject({
      code: "symlink_dangling",
    });
    expect(await fs.readdir(path.join(home, ".aws", "cli"))).toEqual(["cache"]);
  });
});
