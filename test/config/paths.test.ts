// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell-style ${VAR} strings are the test data
/** Paths and precedence as AWS CLI v2 resolves them (docs/reference.md §1.1), checked against python3 and /usr/bin/aws. */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsPaths, expandPath, resolveProfileName, resolveRegion } from "../../src/config/paths";
import { missing } from "../helpers/tools";

function pythonExpand(p: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync(
    "python3",
    ["-c", "import os,sys;print(os.path.expanduser(os.path.expandvars(sys.argv[1])))", p],
    {
      env: env as NodeJS.ProcessEnv,
      encoding: "utf8",
    },
  );
  return r.stdout.replace(/\n$/, "");
}

describe.skipIf(missing("aws", "python3"))("path expansion matches os.path.expandvars + expanduser", () => {
  const env = { PATH: process.env["PATH"], HOME: "/home/tester/", FOO: "bar", EMPTY: "" };
  for (const p of [
    "~/.aws/config",
    "~",
    "$HOME/x",
    "${HOME}/y",
    "$FOO/$NOPE/${NOPE}/z",
    "/abs/$FOO-x",
    "$EMPTY/a",
    "~nosuchuser/x",
    "rel/~/x",
    "$",
    "${}",
    "$FOO$FOO",
  ]) {
    it(p, () => {
      expect(expandPath(p, env)).toBe(pythonExpand(p, env));
    });
  }
});

describe.skipIf(missing("aws", "python3"))("awsPaths", () => {
  it("defaults under HOME", () => {
    const p = awsPaths({ HOME: "/h" });
    expect(p).toMatchObject({
      home: "/h",
      awsDir: "/h/.aws",
      configFile: "/h/.aws/config",
      credentialsFile: "/h/.aws/credentials",
      configFileDisplay: "~/.aws/config",
      ssoCacheDir: "/h/.aws/sso/cache",
      cliCacheDir: "/h/.aws/cli/cache",
    });
  });
  it("AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE with ~ and $VAR; caches stay under HOME", () => {
    const p = awsPaths({
      HOME: "/h",
      AWS_CONFIG_FILE: "~/cfg/$X",
      X: "c1",
      AWS_SHARED_CREDENTIALS_FILE: "${X}/creds",
    });
    expect(p.configFile).toBe("/h/cfg/c1");
    expect(p.configFileDisplay).toBe("~/cfg/$X");
    expect(p.credentialsFile).toBe("c1/creds");
    expect(p.ssoCacheDir).toBe("/h/.aws/sso/cache");
  });
});

describe.skipIf(missing("aws", "python3"))("profile and region precedence (CLI v2)", () => {
  it("profile: flag > AWS_PROFILE > AWS_DEFAULT_PROFILE > default", () => {
    const env = { AWS_PROFILE: "p", AWS_DEFAULT_PROFILE: "d" };
    expect(resolveProfileName(env, "f")).toEqual({ name: "f", source: "flag" });
    expect(resolveProfileName(env)).toEqual({ name: "p", source: "AWS_PROFILE" });
    expect(resolveProfileName({ AWS_DEFAULT_PROFILE: "d" })).toEqual({
      name: "d",
      source: "AWS_DEFAULT_PROFILE",
    });
    expect(resolveProfileName({})).toEqual({ name: "default", source: "default" });
  });
  it("region: flag > AWS_REGION > AWS_DEFAULT_REGION > profile", () => {
    expect(resolveRegion({ AWS_REGION: "a", AWS_DEFAULT_REGION: "b" }, "p", "f")).toEqual({
      region: "f",
      source: "flag",
    });
    expect(resolveRegion({ AWS_REGION: "a", AWS_DEFAULT_REGION: "b" }, "p")).toEqual({
      region: "a",
      source: "AWS_REGION",
    });
    expect(resolveRegion({ AWS_DEFAULT_REGION: "b" }, "p")).toEqual({
      region: "b",
      source: "AWS_DEFAULT_REGION",
    });
    expect(resolveRegion({}, "p")).toEqual({ region: "p", source: "profile" });
    expect(resolveRegion({})).toBeUndefined();
  });

  it("an empty variable counts as set, as in the AWS CLI", () => {
    expect(resolveProfileName({ AWS_PROFILE: "", AWS_DEFAULT_PROFILE: "dev" })).toEqual({
      name: "",
      source: "AWS_PROFILE",
    });
    expect(resolveRegion({ AWS_REGION: "", AWS_DEFAULT_REGION: "x" })).toEqual({
      region: "",
      source: "AWS_REGION",
    });
    const r = spawnSync("/usr/bin/aws", ["configure", "list"], {
      env: { PATH: "/usr/bin:/bin", HOME: "/nonexistent", AWS_PROFILE: "", AWS_DEFAULT_PROFILE: "dev" },
      encoding: "utf8",
    });
    expect(r.stderr).toContain("The config profile () could not be found");
  });

  describe("agrees with /usr/bin/aws configure list", () => {
    let home: string;
    beforeAll(async () => {
      home = await mkdtemp(path.join(tmpdir(), "portico-paths-"));
      await mkdir(path.join(home, ".aws"));
      await writeFile(
        path.join(home, ".aws", "config"),
        "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-east-2\n",
      );
    });
    afterAll(() => rm(home, { recursive: true, force: true }));
    const cases: Record<string, string>[] = [
      { AWS_PROFILE: "dev", AWS_DEFAULT_PROFILE: "default" },
      { AWS_DEFAULT_PROFILE: "dev" },
      { AWS_REGION: "ap-south-1", AWS_DEFAULT_REGION: "sa-east-1" },
      { AWS_DEFAULT_REGION: "sa-east-1", AWS_PROFILE: "dev" },
      { AWS_PROFILE: "dev" },
    ];
    for (const c of cases) {
      it(JSON.stringify(c), () => {
        const env = { PATH: "/usr/bin:/bin", HOME: home, ...c };
        const r = spawnSync("/usr/bin/aws", ["configure", "list"], { env, encoding: "utf8" });
        const row = (name: string) =>
          r.stdout
            .split("\n")
            .find((l) => l.trim().startsWith(`${name} `))!
            .trim()
            .split(/\s+/);
        const profile = resolveProfileName(env);
        const cliProfile = row("profile")[1]!;
        expect(cliProfile === "<not" ? "default" : cliProfile).toBe(profile.name);
        const profileRegion = profile.name === "dev" ? "us-east-2" : "eu-west-1";
        expect(row("region")[1]).toBe(resolveRegion(env, profileRegion)!.region);
      });
    }
  });
});
