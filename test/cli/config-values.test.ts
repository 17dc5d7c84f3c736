/**
 * Values the services or the AWS CLI refuse are caught before they are sent (docs/errors.md
 * sso_account_id_invalid) and by `config lint` (account ids, regions, output, http start URLs,
 * sections botocore drops). In-process CLI, temp HOME, no network.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempHome } from "../helpers/emulator";
import { START_URL, writeConfig } from "../helpers/sign-in";
import { runCli } from "./support";

let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  home = await tempHome();
  // An endpoint nothing listens on: a request would be a network error (exit 6), not a config error.
  env = { HOME: home.home, PATH: process.env["PATH"], NO_COLOR: "1", AWS_ENDPOINT_URL: "http://127.0.0.1:9" };
});
afterEach(() => home.cleanup());

describe("a 5-digit sso_account_id", () => {
  it("credentials/whoami name the value, its line and the fix (exit 3), instead of 'try again'", async () => {
    await writeConfig(
      home.home,
      `[sso-session corp]\nsso_start_url = ${START_URL}\nsso_region = eu-north-1\n[profile dev]\nsso_session = corp\nsso_account_id = 12345\nsso_role_name = Dev\n`,
    );
    for (const cmd of [["credentials"], ["whoami"], ["credential-process"]]) {
      const r = await runCli([...cmd, "--profile", "dev"], env);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain(
        'portico: The profile "dev" has sso_account_id = 12345 (~/.aws/config:6): an AWS account id is 12 digits, leading zeros included\n',
      );
      expect(r.stderr).toContain("hint: portico config set sso_account_id 123456789012 --profile dev");
      expect(r.stderr).not.toContain("Try again");
    }
  });
});

describe("config lint catches what the services will refuse", () => {
  it("every kind at once, with the value and the fix", async () => {
    await writeConfig(
      home.home,
      [
        "[profile bad]",
        "sso_account_id = 12345",
        "sso_role_name = R",
        "sso_start_url = http://d-0000000000.awsapps.com/start",
        "sso_region = eu-nowhere-1",
        "region = us-east-7",
        "output = jsn",
        "[sso-session s]",
        "sso_start_url = http://x.awsapps.com/start",
        "sso_region = Ireland",
        "[profile a b]",
        "region = eu-west-1",
        "[profiledev]",
        "region = eu-west-1",
        "[profile good]",
        "sso_account_id = 012345678901",
        "sso_role_name = R",
        "sso_start_url = https://d-0000000000.awsapps.com/start",
        "sso_region = eu-north-1",
        "region = us-gov-west-1",
        "output = yaml-stream",
        "",
      ].join("\n"),
    );
    const r = await runCli(["config", "lint", "--json"], env);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings as { line: number; code: string; message: string }[];
    expect(findings.map((f) => `${f.line}:${f.code}`)).toEqual([
      "2:account_id_invalid",
      "4:start_url_not_https",
      "5:region_unknown",
      "6:region_unknown",
      "7:output_invalid",
      "9:start_url_not_https",
      "10:region_unknown",
      "11:section_dropped",
      "13:section_dropped",
    ]);
    const msg = (line: number) => findings.find((f) => f.line === line)!.message;
    expect(msg(2)).toContain("sso_account_id = 12345 is not an AWS account id (12 digits");
    expect(msg(7)).toContain(
      "output = jsn is refused by the AWS CLI; use one of json, yaml, yaml-stream, text, table",
    );
    expect(msg(6)).toContain("region = us-east-7 is not a region the AWS SDK knows");
    expect(msg(11)).toContain("[profile a b] is silently ignored by botocore");
  });
});
