/** loadAwsConfig: both files, botocore's merge and order (checked against /usr/bin/aws), refusals with file:line. */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadAwsConfig } from "../../src/config/load";
import { startBotocore } from "../helpers/botocore";
import { missing } from "../helpers/tools";
import { validConfigText } from "./gen";

let home: string;
const env = () => ({ HOME: home });
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), "portico-load-"));
  await mkdir(path.join(home, ".aws"));
});
afterEach(() => rm(home, { recursive: true, force: true }));
const write = (name: string, text: string | Buffer) => writeFile(path.join(home, ".aws", name), text);

describe.skipIf(missing("aws", "boto3"))("loadAwsConfig", () => {
  it("missing files read as empty", async () => {
    await rm(path.join(home, ".aws"), { recursive: true });
    const c = await loadAwsConfig(env());
    expect(c.profiles.size + c.ssoSessions.size + c.services.size + c.warnings.length).toBe(0);
  });

  it("merges credentials over config key by key; profile order is aws configure list-profiles'", async () => {
    await write(
      "config",
      "[profile b]\nregion = eu-west-1\noutput = json\n[default]\nregion = us-east-1\n[sso-session corp]\nsso_region = eu-north-1\n[services s]\ns3 =\n  endpoint_url = http://x\n[profile a]\nk = v\n",
    );
    await write(
      "credentials",
      "[a]\naws_access_key_id = AKIA1\n[b]\nregion = ap-south-1\n[only-creds]\naws_access_key_id = AKIA2\n[profile x]\nk = 1\n",
    );
    const c = await loadAwsConfig(env());
    const cli = spawnSync("/usr/bin/aws", ["configure", "list-profiles"], {
      env: { PATH: "/usr/bin:/bin", HOME: home },
      encoding: "utf8",
    });
    expect([...c.profiles.keys()]).toEqual(cli.stdout.trim().split("\n"));
    expect([...c.profiles.keys()]).toEqual(["b", "default", "a", "only-creds", "profile x"]);
    const b = c.profiles.get("b")!;
    expect(b.values).toEqual({ region: "ap-south-1", output: "json" });
    expect(b.line).toBe(1);
    expect(b.file).toBe(path.join(home, ".aws", "config"));
    expect(b.keyLines["output"]).toBe(3);
    expect([b.keyFiles["region"], b.keyLines["region"]]).toEqual([path.join(home, ".aws", "credentials"), 4]);
    expect(c.ssoSessions.get("corp")!.values).toEqual({ sso_region: "eu-north-1" });
    expect(c.services.get("s")!.values).toEqual({ s3: { endpoint_url: "http://x" } });
    expect(c.profiles.get("only-creds")!.file).toBe(path.join(home, ".aws", "credentials"));
  });

  it("[default] and [profile default]: the later one wins (no merge)", async () => {
    await write("config", "[default]\nregion = a\nx = 1\n[profile default]\nregion = b\n");
    const c = await loadAwsConfig(env());
    expect(c.profiles.get("default")!.values).toEqual({ region: "b" });
    expect(c.profiles.get("default")!.line).toBe(4);
  });

  it("honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE", async () => {
    await writeFile(path.join(home, "c"), "[profile z]\nk = v\n");
    const c = await loadAwsConfig({
      HOME: home,
      AWS_CONFIG_FILE: "$HOME/c",
      AWS_SHARED_CREDENTIALS_FILE: "~/none",
    });
    expect([...c.profiles.keys()]).toEqual(["z"]);
  });

  it("refuses what botocore refuses, naming file:line (config and credentials)", async () => {
    await write("config", "[default]\nregion = a\n\n[default]\n");
    let e = await loadAwsConfig(env()).catch((x) => x);
    expect([e.code, e.exitCode]).toEqual(["config_parse", 3]);
    expect(e.message).toBe(
      "~/.aws/config:4: section [default] appears more than once (botocore and the AWS CLI refuse this file)",
    );
    expect(e.hint).toContain("portico config lint ~/.aws/config");
    await write("config", "");
    await write("credentials", "aws_access_key_id = x\n");
    e = await loadAwsConfig(env()).catch((x) => x);
    expect(e.message).toContain("~/.aws/credentials:1: a line before the first [section] header");
  });

  it("refuses a BOM and invalid UTF-8 like botocore", async () => {
    await write("config", "\uFEFF[default]\n");
    expect((await loadAwsConfig(env()).catch((x) => x)).message).toContain(
      ":1: the file starts with a UTF-8 byte-order mark",
    );
    await write(
      "config",
      Buffer.from([
        0x5b, 0x61, 0x5d, 0x0d, 0x0a, 0x78, 0x3d, 0xc3, 0xa9, 0x0a, 0x6b, 0x3d, 0xed, 0xa0, 0x80, 0x0a,
      ]),
    );
    const e = await loadAwsConfig(env()).catch((x) => x);
    expect([e.code, e.exitCode]).toEqual(["config_parse", 3]);
    // line 3 holds an encoded surrogate (ED A0 80), which Python's strict UTF-8 refuses too
    expect(e.message).toBe(
      "~/.aws/config:3: the file is not valid UTF-8 (botocore and the AWS CLI refuse it)",
    );
    const py = spawnSync("python3", [
      "-c",
      "import sys;open(sys.argv[1],encoding='utf-8').read()",
      path.join(home, ".aws", "config"),
    ]);
    expect(py.status).not.toBe(0);
  });

  it("collects SDK-JS warnings from both files", async () => {
    await write("config", "[default]\nregion = us-east-1 # c\n");
    await write("credentials", "[dev]\nAWS_ACCESS_KEY_ID = x\n");
    const c = await loadAwsConfig(env());
    expect(c.warnings.map((w) => [path.basename(w.file), w.line, w.code])).toEqual([
      ["config", 2, "js_inline_comment"],
      ["credentials", 2, "js_key_case"],
    ]);
  });
});

describe.skipIf(missing("aws", "boto3"))(
  "loadAwsConfig agrees with botocore's Session().full_config on generated config + credentials files",
  () => {
    it(`${process.env["PORTICO_LONG"] === "1" ? 1000 : 60} pairs of files`, async () => {
      const oracle = startBotocore();
      try {
        await fc.assert(
          fc.asyncProperty(validConfigText, validConfigText, async (configText, credentialsText) => {
            await write("config", configText);
            await write("credentials", credentialsText);
            const theirs = await oracle.fullConfig(
              path.join(home, ".aws", "config"),
              path.join(home, ".aws", "credentials"),
            );
            const mine = await loadAwsConfig(env()).catch((e) => e as Error);
            if (!theirs.ok) {
              expect(mine).toBeInstanceOf(Error);
              return;
            }
            if (mine instanceof Error) throw new Error(`portico refused: ${mine.message}`);
            const asPairs = (m: Map<string, { values: Record<string, string | Record<string, string>> }>) =>
              [...m].map(([n, v]) => [
                n,
                Object.entries(v.values).map(([k, x]) => [k, typeof x === "string" ? x : Object.entries(x)]),
              ]);
            expect({
              profiles: asPairs(mine.profiles),
              sso_sessions: asPairs(mine.ssoSessions),
              services: asPairs(mine.services),
            }).toEqual({
              profiles: theirs.profiles,
              sso_sessions: theirs.sso_sessions,
              services: theirs.services,
            });
          }),
          { numRuns: process.env["PORTICO_LONG"] === "1" ? 1000 : 60 },
        );
      } finally {
        await oracle.close();
      }
    });
  },
);
