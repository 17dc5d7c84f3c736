/** The config commands, run in-process through the real CLI entry (run(argv, ctx)) with a temp HOME. */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { processContext } from "../../src/cli/context";
import { run } from "../../src/cli/main";
import { startBotocore } from "../helpers/botocore";
import { missing } from "../helpers/tools";
import { fixtures } from "./fixtures";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "portico-cli-"));
  await mkdir(path.join(home, ".aws"));
});
afterEach(() => rm(home, { recursive: true, force: true }));

async function portico(argv: string[], extraEnv: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const ctx = processContext({
    env: { HOME: home, PATH: process.env["PATH"] ?? "", ...extraEnv },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    interactive: false,
    color: false,
  });
  const code = await run(argv, ctx);
  return { code, stdout, stderr };
}
const write = (name: string, text: string) => writeFile(path.join(home, ".aws", name), text);
const awsCli = (args: string[], extraEnv: Record<string, string> = {}) =>
  spawnSync("/usr/bin/aws", args, {
    env: { PATH: "/usr/bin:/bin", HOME: home, ...extraEnv },
    encoding: "utf8",
  });

const CONFIG = `[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = eu-north-1
[sso-session corp]
sso_start_url = https://d-0000000000.awsapps.com/start
sso_region = eu-north-1
[default]
region = us-east-1
[profile legacy]
sso_start_url = https://x.awsapps.com/start
sso_region = us-east-1
sso_account_id = 222222222222
sso_role_name = ReadOnly
[profile assume]
role_arn = arn:aws:iam::333333333333:role/path/Deployer
source_profile = dev
[profile proc]
credential_process = portico credential-process --profile dev
aws_access_key_id = AKIAIGNOREDBYBOTOCORE
`;

describe.skipIf(missing("aws", "boto3"))("portico profiles", () => {
  it("lists like aws configure list-profiles; --json adds kind, account, role, region, file:line", async () => {
    await write("config", CONFIG);
    await write(
      "credentials",
      "[static]\naws_access_key_id = AKIAXXXXXXXXXXXX1234\naws_secret_access_key = s3cr3tvalue\n",
    );
    const r = await portico(["profiles"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(awsCli(["configure", "list-profiles"]).stdout);
    const j = await portico(["profiles", "--json"]);
    const list = JSON.parse(j.stdout);
    const cfg = path.join(home, ".aws", "config");
    expect(list).toEqual([
      {
        name: "dev",
        kind: "sso",
        sso_session: "corp",
        account: "111111111111",
        role: "AdministratorAccess",
        region: "eu-north-1",
        file: cfg,
        line: 1,
      },
      { name: "default", kind: "unknown", region: "us-east-1", file: cfg, line: 9 },
      { name: "legacy", kind: "sso-legacy", account: "222222222222", role: "ReadOnly", file: cfg, line: 11 },
      { name: "assume", kind: "assume-role", account: "333333333333", role: "Deployer", file: cfg, line: 16 },
      { name: "proc", kind: "process", file: cfg, line: 19 },
      { name: "static", kind: "static", file: path.join(home, ".aws", "credentials"), line: 1 },
    ]);
  });
  it("a refused file: exit 3 with file:line and a hint", async () => {
    await write("config", "[default]\nregion\n");
    const r = await portico(["profiles"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("~/.aws/config:2:");
    expect(r.stderr).toContain(
      "hint: fix that line (see every problem with: portico config lint ~/.aws/config)",
    );
  });
});

describe.skipIf(missing("aws", "boto3"))("portico config inspect", () => {
  it("prints exactly raw_config_parse's structure for every accepted fixture", async () => {
    const oracle = startBotocore();
    try {
      for (const [name, text] of Object.entries(fixtures)) {
        const file = path.join(home, "f.ini");
        await writeFile(file, text);
        const r = await portico(["config", "inspect", file, "--json"]);
        const py = await oracle.parse(file);
        if (py.ok) {
          expect([name, r.code, r.stdout]).toEqual([name, 0, `${py.json}\n`]);
        } else {
          expect([name, r.code]).toEqual([name, 3]);
          expect(r.stderr).toMatch(new RegExp(`${file}:\\d+: `));
        }
      }
    } finally {
      await oracle.close();
    }
  });
  it("a missing file is exit 3", async () => {
    expect((await portico(["config", "inspect", path.join(home, "nope")])).code).toBe(3);
  });
});

describe.skipIf(missing("aws", "boto3"))("portico config lint", () => {
  it("clean files: exit 0", async () => {
    await write("config", CONFIG);
    const r = await portico(["config", "lint"]);
    expect([r.code, r.stdout]).toEqual([0, ""]);
  });
  it("reports every problem at once: exit 1", async () => {
    await write(
      "config",
      '[profile z]\nsso_account_id = 111111111111\n[profile a]\nsso_session = nope\nsso_account_id = 111111111111\nsso_role_name = R\n[profile b]\nregion = x # c\n[profile "my prof"]\nk = v\n[sso-session s]\nsso_region = eu-north-1\n',
    );
    await write("credentials", "[profile c]\naws_access_key_id = A\n");
    const r = await portico(["config", "lint", "--json"]);
    expect(r.code).toBe(1);
    const codes = JSON.parse(r.stdout).findings.map(
      (f: { file: string; line: number; code: string }) => `${f.file}:${f.line}:${f.code}`,
    );
    expect(codes).toEqual([
      "~/.aws/config:1:sso_incomplete",
      "~/.aws/config:4:sso_session_missing",
      "~/.aws/config:8:js_inline_comment",
      "~/.aws/config:8:region_unknown",
      "~/.aws/config:9:js_section_name",
      "~/.aws/config:11:sso_session_incomplete",
      "~/.aws/credentials:1:credentials_profile_prefix",
    ]);
  });
  it("lists every refusal, not only the first", async () => {
    const file = path.join(home, "bad");
    await writeFile(file, "k = 1\n[a]\nx\nx = 1\nx = 2\n[a]\n");
    const r = await portico(["config", "lint", file]);
    expect(r.code).toBe(1);
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(": ")[0]),
    ).toEqual([`${file}:1`, `${file}:3`, `${file}:5`, `${file}:6`]);
  });
});

describe.skipIf(missing("aws", "boto3"))("help", () => {
  it("every config command has help with an example", async () => {
    for (const argv of [
      ["profiles"],
      ["config"],
      ["config", "show"],
      ["config", "inspect"],
      ["config", "lint"],
      ["config", "get"],
      ["config", "set"],
      ["config", "unset"],
    ]) {
      const r = await portico([...argv, "--help"]);
      expect([argv.join(" "), r.code]).toEqual([argv.join(" "), 0]);
      expect(r.stdout).toMatch(/Examples?:\n {2}portico /);
    }
  });
  it("config lint --credentials reads FILE with verbatim section names", async () => {
    const file = path.join(home, "creds");
    await writeFile(file, "[dev]\naws_access_key_id = A\n");
    expect((await portico(["config", "lint", file, "--credentials"])).code).toBe(0);
    expect((await portico(["config", "lint", file])).code).toBe(0);
    await writeFile(file, "[profile dev]\naws_access_key_id = A\n");
    const r = await portico(["config", "lint", file, "--credentials", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { code: string }) => f.code)).toEqual([
      "credentials_profile_prefix",
    ]);
  });
});

describe.skipIf(missing("aws", "boto3"))("portico config show", () => {
  it("like aws configure list: sources and masked secrets", async () => {
    await write("config", "[profile st]\nregion = eu-west-1\n");
    await write(
      "credentials",
      "[st]\naws_access_key_id = AKIAABCDEFGH12345678\naws_secret_access_key = abcdefghijklmnopwxyz\n",
    );
    const r = await portico(["config", "show", "--profile", "st"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "NAME       : VALUE                    : TYPE             : LOCATION",
        "profile    : st                       : manual           : --profile",
        "access_key : ****************5678     : shared-credentials-file : ~/.aws/credentials:2",
        "secret_key : ****************wxyz     : shared-credentials-file : ~/.aws/credentials:3",
        "region     : eu-west-1                : config-file      : ~/.aws/config:2",
        "",
      ].join("\n"),
    );
    expect(r.stdout).not.toContain("abcdefghijklmnop");
    const e = await portico(["config", "show", "--json"], { AWS_PROFILE: "st", AWS_REGION: "ap-south-1" });
    expect(JSON.parse(e.stdout)).toMatchObject({
      profile: { value: "st", type: "env", location: "['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']" },
      region: { value: "ap-south-1", type: "env" },
    });
  });
  it("an unknown profile is exit 3", async () => {
    expect((await portico(["config", "show", "--profile", "nope"])).code).toBe(3);
  });
});

describe.skipIf(missing("aws", "boto3"))("portico config get|set|unset", () => {
  it("set writes one line in place; same value is byte-identical; the AWS CLI reads it; unset restores", async () => {
    const original = "# my config\n[profile dev]\nregion = a   # note\n\n[default]\noutput = json";
    await write("config", original);
    let r = await portico(["config", "set", "sso_role_name", "Admin", "--profile", "dev"]);
    expect(r.code).toBe(0);
    const cfg = path.join(home, ".aws", "config");
    const after = await readFile(cfg, "utf8");
    expect(after).toBe(
      "# my config\n[profile dev]\nregion = a   # note\nsso_role_name = Admin\n\n[default]\noutput = json",
    );
    expect(awsCli(["configure", "get", "sso_role_name", "--profile", "dev"]).stdout).toBe("Admin\n");
    r = await portico(["config", "set", "sso_role_name", "Admin", "--profile", "dev"]);
    expect(await readFile(cfg, "utf8")).toBe(after);
    r = await portico(["config", "get", "sso_role_name", "--profile", "dev"]);
    expect([r.code, r.stdout]).toEqual([0, "Admin\n"]);
    r = await portico(["config", "unset", "sso_role_name", "--profile", "dev"]);
    expect(await readFile(cfg, "utf8")).toBe(original);
    r = await portico(["config", "get", "sso_role_name", "--profile", "dev"]);
    expect([r.code, r.stdout]).toEqual([1, ""]);
  });
  it("--sso-session; default profile from AWS_PROFILE; both flags is a usage error", async () => {
    await portico(["config", "set", "sso_region", "eu-north-1", "--sso-session", "corp", "--create"]);
    await portico(["config", "set", "region", "us-west-2", "--create"], { AWS_PROFILE: "p1" });
    expect(await readFile(path.join(home, ".aws", "config"), "utf8")).toBe(
      "[sso-session corp]\nsso_region = eu-north-1\n[profile p1]\nregion = us-west-2\n",
    );
    expect((await portico(["config", "get", "x", "--profile", "a", "--sso-session", "b"])).code).toBe(2);
  });
  it("set on a profile or sso-session that does not exist: refused (exit 3, file untouched) unless --create", async () => {
    const original = "[profile dev]\nregion = a\n";
    await write("config", original);
    const cfg = path.join(home, ".aws", "config");
    let r = await portico(["config", "set", "region", "b", "--profile", "dve"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("The config profile (dve) could not be found");
    expect(r.stderr).toContain("portico config set region b --profile dve --create");
    expect(await readFile(cfg, "utf8")).toBe(original);
    r = await portico(["config", "set", "sso_region", "b", "--sso-session", "corp"]);
    expect([r.code, r.stderr.includes('sso-session does not exist: "corp"')]).toEqual([3, true]);
    expect(await readFile(cfg, "utf8")).toBe(original);
    // An existing profile needs no --create; --create on a new one writes it.
    expect((await portico(["config", "set", "output", "json", "--profile", "dev"])).code).toBe(0);
    expect((await portico(["config", "set", "region", "b", "--profile", "dve", "--create"])).code).toBe(0);
    expect(await readFile(cfg, "utf8")).toBe(
      "[profile dev]\nregion = a\noutput = json\n[profile dve]\nregion = b\n",
    );
  });
  it("get on a profile that does not exist says so (exit 3), not that the key is unset", async () => {
    await write("config", "[profile dev]\nregion = a\n");
    const r = await portico(["config", "get", "region", "--profile", "dve"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("The config profile (dve) could not be found");
    expect(r.stderr).not.toContain("is not set");
    const unsetKey = await portico(["config", "get", "output", "--profile", "dev"]);
    expect([unsetKey.code, unsetKey.stderr.includes('"output" is not set in profile "dev"')]).toEqual([
      1,
      true,
    ]);
    const session = await portico(["config", "get", "sso_region", "--sso-session", "nope"]);
    expect(session.code).toBe(3);
    expect(session.stderr).toContain('sso-session does not exist: "nope"');
  });
  it("refuses secrets on the command line and values other tools read differently", async () => {
    expect((await portico(["config", "set", "aws_secret_access_key", "x", "--profile", "a"])).code).toBe(2);
    const r = await portico(["config", "set", "region", "a ;b", "--profile", "a"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("AWS SDK for JavaScript");
  });
});
