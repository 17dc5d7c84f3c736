/**
 * src/config/lint.ts `name_not_portable` (doctor's files.divergence evidence): a section botocore
 * reads under a name other tools may not — a header that is not exactly `[KIND NAME]` (extra
 * spaces, a tab, `[profile default]` for `[default]`) or a name outside letters, digits and
 * _-@+.%:/ — is reported once, on its header line (unless the SDK-JS comparison already reports
 * that line: js_section_name); canonical headers are not.
 */
import { describe, expect, it } from "vitest";
import { lintFiles } from "../../src/config/lint";

const CONFIG = [
  "[default]", // 1 canonical
  "region = eu-west-1",
  "[profile dev]", // 3 canonical
  "region = eu-west-1",
  "[profile  spaced]", // 5 two spaces
  "region = eu-west-1",
  "[profile\ttabbed]", // 7 a tab
  "region = eu-west-1",
  "[profile odd$name]", // 9 a character other tools refuse
  "region = eu-west-1",
  "[sso-session corp]", // 11 canonical
  "sso_start_url = https://d-1234567890.awsapps.com/start",
  "sso_region = eu-west-1",
  "[sso-session  corp2]", // 14 two spaces
  "sso_start_url = https://d-1234567890.awsapps.com/start",
  "sso_region = eu-west-1",
  "[services s3local]", // 17 canonical
  "[services  svc]", // 18 two spaces
  "[profile x@y.z:a/b+c%d_e-f]", // 19 canonical, every allowed character
  "region = eu-west-1",
  "[sso-session\tcorp3]", // 21 a tab
  "sso_start_url = https://d-1234567890.awsapps.com/start",
  "sso_region = eu-west-1",
  "",
].join("\n");

describe("lint: names other tools cannot read", () => {
  it("reports exactly the non-canonical headers and names, on their header lines", () => {
    const findings = lintFiles([{ file: "config", kind: "config", text: CONFIG }]);
    const portable = findings.filter((f) => f.code === "name_not_portable");
    expect(portable.map((f) => f.line)).toEqual([7, 18, 21]);
    // The other non-canonical headers are the SDK-JS comparison's (one finding per line).
    const byLine = (l: number) => findings.filter((f) => f.line === l).map((f) => f.code);
    for (const l of [5, 9, 14]) expect(byLine(l), `line ${l}`).toEqual(["js_section_name"]);
    for (const l of [1, 3, 11, 17, 19]) expect(byLine(l), `line ${l}`).toEqual([]);
    expect(portable[0]!.message).toBe(
      '[profile\ttabbed] is read by botocore as profile "tabbed", but other tools may not read it: write it as [profile tabbed] with a name of letters, digits and _-@+.%:/',
    );
    expect(portable[1]!.message).toContain('as services "svc"');
    expect(portable[1]!.message).toContain("write it as [services svc]");
    expect(portable[2]!.message).toContain("write it as [sso-session corp3]");
  });

  it("[profile default] is read as the default profile: write it as [default]", () => {
    const findings = lintFiles([
      { file: "config", kind: "config", text: "[profile default]\nregion = eu-west-1\n" },
    ]);
    expect(findings.filter((f) => f.code === "name_not_portable").map((f) => f.message)).toEqual([
      '[profile default] is read by botocore as profile "default", but other tools may not read it: write it as [default] with a name of letters, digits and _-@+.%:/',
    ]);
  });
});
