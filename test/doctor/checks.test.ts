/**
 * `portico doctor`: one broken setup per check, each in its own fixture HOME (real files, real modes,
 * real executables on PATH), run through the real CLI in-process; JSON ids stable; --fix then a clean run.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Fixture, find, fixture } from "./support";

const fixtures: Fixture[] = [];
async function home(files: Record<string, string> = {}, opts: { path?: string } = {}) {
  const f = await fixture(files, opts);
  fixtures.push(f);
  return f;
}
afterEach(async () => {
  while (fixtures.length) await fixtures.pop()!.cleanup();
});

const SESSION =
  "[sso-session acme]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-north-1\nsso_registration_scopes = sso:account:access\n";
const GOOD = `[profile dev]\nsso_session = acme\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-west-1\n\n${SESSION}`;

/** Every id the report can contain (docs/doctor.md); a renamed id breaks scripts, so this list is the contract. */
const IDS = [
  "tools.aws_cli",
  "tools.aws_cli_several",
  "tools.python_sdk",
  "tools.node_sdk",
  "files.first_run",
  "files.dangling_symlink",
  "files.parse",
  "files.divergence",
  "files.permissions",
  "files.token_permissions",
  "files.backup",
  "profiles.unreadable",
  "profiles.selected",
  "profiles.legacy_sso",
  "profiles.case_duplicate",
  "profiles.default_admin",
  "profiles.credential_process",
  "environment.credentials",
  "environment.profile_vars",
  "environment.region_vars",
  "environment.config_file",
  "environment.proxy",
  "environment.ca_bundle",
  "sessions.token",
  "sessions.registration",
  "sessions.scopes",
  "verify.oidc_endpoint",
  "verify.start_url_region",
  "verify.clock_skew",
  "verify.identity",
];

describe("doctor: a clean setup", () => {
  it("exit 0, JSON of { id, status, message, evidence, fix } with documented ids only", async () => {
    const f = await home({ ".aws/config": GOOD });
    const r = await f.doctor(["--profile", "dev"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.length).toBeGreaterThan(5);
    for (const x of r.json) {
      expect(Object.keys(x).slice(0, 5)).toEqual(["id", "status", "message", "evidence", "fix"]);
      expect(IDS).toContain(x.id);
    }
    expect(find(r.json, "profiles.selected", "ok")[0]!.message).toContain("account 111111111111");
    const doc = await fs.readFile(path.join(__dirname, "../../docs/doctor.md"), "utf8");
    for (const id of IDS) expect(doc, id).toContain(`\`${id}\``);
  });

  it("the text report is grouped, with the fix, and exit 1 on a problem", async () => {
    const f = await home({ ".aws/config": GOOD });
    const { runCli } = await import("../cli/support");
    const r = await runCli(["doctor", "--profile", "nope"], f.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^profiles:\n/m);
    expect(r.stdout).toMatch(
      /PROBLEM the selected profile "nope" \(from --profile\) does not exist {2}\[profiles\.selected\]/,
    );
    expect(r.stderr).toMatch(/^portico: 1 problem\(s\) found/m);
  });
});

describe("doctor: first run", () => {
  it("a HOME with no ~/.aws at all: a problem naming portico setup", async () => {
    const f = await home();
    const r = await f.doctor();
    expect(r.code).toBe(1);
    const first = find(r.json, "files.first_run", "problem");
    expect(first).toHaveLength(1);
    expect(first[0]!.fix).toMatch(/^portico setup/);
    // The text report says the same, and the closing hint names the command to run first.
    const { runCli } = await import("../cli/support");
    const t = await runCli(["doctor"], f.env);
    expect(t.stdout).toMatch(
      /PROBLEM no AWS configuration here yet .*\[files\.first_run\]\n.*\n.*\n +fix: portico setup/,
    );
    expect(t.stderr).toMatch(
      /^portico: no AWS configuration yet: nothing to sign in with\nhint: portico setup /m,
    );
    // Doctor wrote nothing: still no ~/.aws (the cache is never created where there is none).
    await expect(fs.stat(path.join(f.home, ".aws"))).rejects.toThrow();
  });
});

describe("doctor: tools", () => {
  it("a v1 aws shadowing v2 on PATH (the pyenv-shim case): problem + several-on-PATH warning", async () => {
    const f = await home({ ".aws/config": GOOD });
    const shim = path.join(f.home, "shims");
    await fs.mkdir(shim);
    // A real executable that answers like AWS CLI v1 does (v1 prints its version on stderr).
    await fs.writeFile(
      path.join(shim, "aws"),
      "#!/bin/sh\necho 'aws-cli/1.22.34 Python/3.10.12 Linux/6.1 botocore/1.23.34' >&2\n",
      { mode: 0o755 },
    );
    const r = await f.doctor([], { PATH: `${shim}:/usr/bin:/bin` });
    const aws = find(r.json, "tools.aws_cli", "problem")[0]!;
    expect(aws.message).toContain("AWS CLI v1 (1.22.34)");
    expect(aws.fix).toContain("/usr/bin/aws");
    expect(find(r.json, "tools.aws_cli_several", "warning")).toHaveLength(1);
  });

  it("the real AWS CLI v2 alone: ok with its version", async () => {
    const f = await home({ ".aws/config": GOOD });
    const r = await f.doctor([], { PATH: "/usr/bin" });
    expect(find(r.json, "tools.aws_cli", "ok")[0]!.message).toMatch(/^AWS CLI 2\.\d+\.\d+$/);
    const { execFileSync } = await import("node:child_process");
    let botocore: string | undefined;
    try {
      botocore = execFileSync("/usr/bin/python3", ["-c", "import botocore; print(botocore.__version__)"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    } catch {}
    const py = find(r.json, "tools.python_sdk", "ok")[0]!.message;
    if (botocore) expect(py).toContain(`botocore ${botocore}`);
    else expect(py).toMatch(/not installed|python3 not found/);
  });
});

describe("doctor: files", () => {
  it("a file botocore refuses: files.parse problem with file:line", async () => {
    const f = await home({ ".aws/config": `${GOOD}\nno header value\n[profile x\n` });
    const r = await f.doctor();
    const p = find(r.json, "files.parse", "problem");
    expect(p.length).toBeGreaterThan(0);
    expect(p[0]!.evidence[0]).toMatch(/config:\d+$/);
    expect(find(r.json, "profiles.unreadable", "problem")).toHaveLength(1);
  });

  it("an SDK-JS divergence: files.divergence warning", async () => {
    const f = await home({
      ".aws/config": `${GOOD}\n[profile js]\nregion = eu-west-1 ; a comment the SDK for JavaScript keeps\n`,
    });
    const r = await f.doctor();
    expect(find(r.json, "files.divergence", "warning").length).toBeGreaterThan(0);
  });

  it("loose modes and a world-readable token: --fix --yes tightens them, then a clean run", async () => {
    const f = await home({
      ".aws/config": GOOD,
      ".aws/credentials":
        "[static]\naws_access_key_id = AKIAEXAMPLEEXAMPLE\naws_secret_access_key = s3cr3t\n",
    });
    await f.write(".aws/sso/cache/abc.json", "{}", 0o644);
    await fs.chmod(path.join(f.home, ".aws"), 0o755);
    await fs.chmod(path.join(f.home, ".aws/credentials"), 0o644);
    const r = await f.doctor();
    expect(r.code).toBe(1);
    expect(find(r.json, "files.permissions", "problem")[0]!.subject).toBe(
      path.join(f.home, ".aws/credentials"),
    );
    expect(find(r.json, "files.token_permissions", "problem")).toHaveLength(1);
    expect(find(r.json, "files.permissions", "warning")[0]!.fixable).toBe(true);
    expect(r.stdout).not.toContain("s3cr3t");
    const fixed = await f.doctor(["--fix", "--yes"]);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect((await fs.stat(path.join(f.home, ".aws/credentials"))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(f.home, ".aws/sso/cache/abc.json"))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(f.home, ".aws"))).mode & 0o777).toBe(0o700);
    expect(find(fixed.json, "files.permissions", "ok")).toHaveLength(1);
  });

  it("--fix without --yes and without a terminal shows the change but applies nothing", async () => {
    const f = await home({
      ".aws/config": GOOD,
      ".aws/credentials": "[s]\naws_access_key_id = A\naws_secret_access_key = B\n",
    });
    await fs.chmod(path.join(f.home, ".aws/credentials"), 0o644);
    const { runCli } = await import("../cli/support");
    const r = await runCli(["doctor", "--fix"], f.env);
    expect(r.stderr).toContain("chmod");
    expect(r.stderr).toContain("not applied");
    expect((await fs.stat(path.join(f.home, ".aws/credentials"))).mode & 0o777).toBe(0o644);
  });

  it("a .portico-backup left behind, and a config symlink to nothing", async () => {
    const f = await home({ ".aws/config": GOOD, ".aws/config.portico-backup": GOOD });
    let r = await f.doctor();
    expect(find(r.json, "files.backup", "warning")).toHaveLength(1);
    await fs.rm(path.join(f.home, ".aws/config"));
    await fs.symlink(path.join(f.home, "dotfiles/aws-config"), path.join(f.home, ".aws/config"));
    r = await f.doctor();
    expect(find(r.json, "files.dangling_symlink", "problem")).toHaveLength(1);
  });
});

describe("doctor: profiles", () => {
  it("the selected profile does not exist: nearest names suggested", async () => {
    const f = await home({ ".aws/config": GOOD.replace("[profile dev]", "[profile dev-admin]") });
    const r = await f.doctor([], { AWS_PROFILE: "dev-admn" });
    const p = find(r.json, "profiles.selected", "problem")[0]!;
    expect(p.message).toContain("from AWS_PROFILE");
    expect(p.evidence.join("\n")).toContain("nearest names: dev-admin");
    expect(p.fix).toContain("--profile dev-admin");
  });

  it("an incomplete profile and one naming a missing sso-session", async () => {
    const f = await home({
      ".aws/config": `${GOOD}\n[profile half]\nsso_session = nope\nsso_account_id = 1\n`,
    });
    const r = await f.doctor(["--profile", "half"]);
    expect(find(r.json, "profiles.selected", "problem")[0]!.message).toMatch(/sso-session does not exist/);
    expect(
      find(r.json, "files.parse", "problem").some((x) => /sso_session_missing/.test(x.evidence.join())),
    ).toBe(true);
  });

  it("legacy SSO profiles: --fix converts them to one sso-session losslessly, then a clean run", async () => {
    const legacy =
      "# my profiles\n[profile old]\nsso_start_url = https://d-9999999999.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 222222222222\nsso_role_name = Dev   ; comment kept\noutput = json\n\n[profile old2]\nsso_start_url = https://d-9999999999.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 333333333333\nsso_role_name = Dev\n";
    const f = await home({ ".aws/config": `${GOOD}\n${legacy}` });
    const r = await f.doctor();
    const w = find(r.json, "profiles.legacy_sso", "warning")[0]!;
    expect(w.message).toContain("2 profile(s)");
    expect(w.fixable).toBe(true);
    // --json shows the change too, before anyone asks for --fix (and nothing was written).
    expect(w.change).toContain("+[sso-session d-9999999999]\n");
    expect(w.change).toContain("-sso_start_url = https://d-9999999999.awsapps.com/start");
    expect(find(r.json, "profiles.case_duplicate")[0]).not.toHaveProperty("change");
    expect(await fs.readFile(path.join(f.home, ".aws/config"), "utf8")).toBe(`${GOOD}\n${legacy}`);
    const { runCli } = await import("../cli/support");
    const shown = await runCli(["doctor"], f.env);
    expect(shown.stderr).toContain("+[sso-session d-9999999999]");
    expect(shown.stderr).toContain("-sso_start_url = https://d-9999999999.awsapps.com/start");
    const fixed = await f.doctor(["--fix", "--yes"]);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(find(fixed.json, "profiles.legacy_sso", "ok")).toHaveLength(1);
    const text = await fs.readFile(path.join(f.home, ".aws/config"), "utf8");
    expect(text).toContain("# my profiles\n[profile old]\n");
    expect(text).toContain("sso_role_name = Dev   ; comment kept\n");
    expect(text.match(/\[sso-session d-9999999999\]/g)).toHaveLength(1);
    expect(text).toContain("sso_session = d-9999999999");
    expect(text).not.toMatch(/\[profile old\][^[]*sso_start_url/);
    // The AWS CLI v2 reads the converted profile as an sso-session profile.
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync("/usr/bin/aws", ["configure", "get", "sso_session", "--profile", "old"], {
      env: { HOME: f.home, PATH: "/usr/bin:/bin" },
      encoding: "utf8",
    });
    expect(out.trim()).toBe("d-9999999999");
    expect(await fs.readFile(path.join(f.home, ".aws/config.portico-backup"), "utf8")).toContain(
      "[profile old]\nsso_start_url",
    );
  });

  it("two profiles differing only by case; [default] with an admin role", async () => {
    const f = await home({
      ".aws/config": `${GOOD}\n[profile Dev]\nregion = eu-west-1\n\n[default]\nsso_session = acme\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n`,
    });
    const r = await f.doctor();
    expect(find(r.json, "profiles.case_duplicate", "warning")[0]!.subject).toBe("dev,Dev");
    expect(find(r.json, "profiles.default_admin", "warning")[0]!.message).toContain("AdministratorAccess");
  });

  it("credential_process: a missing program, and a loop", async () => {
    const f = await home({
      ".aws/config": `${GOOD}\n[profile gone]\ncredential_process = /nowhere/get-creds --x\n\n[profile folder]\ncredential_process = /tmp --x\n\n[profile loop]\ncredential_process = portico credential-process --profile loop2\n\n[profile loop2]\ncredential_process = portico credential-process --profile loop\n`,
    });
    await fs.writeFile(path.join(f.bin, "portico"), "#!/bin/sh\n", { mode: 0o755 });
    const r = await f.doctor();
    const cp = find(r.json, "profiles.credential_process", "problem");
    expect(cp.find((x) => x.subject === "gone")!.message).toContain("/nowhere/get-creds, which is not found");
    expect(cp.find((x) => x.subject === "folder")!.message).toContain("/tmp, which is not found");
    expect(cp.find((x) => x.subject === "loop")!.message).toContain("loops (loop → loop2 → loop)");
  });
});

describe("doctor: environment", () => {
  it("keys in the environment, disagreeing profile/region variables, a missing AWS_CONFIG_FILE, proxies, a missing CA bundle", async () => {
    const f = await home({ ".aws/config": GOOD });
    const r = await f.doctor([], {
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      AWS_SESSION_TOKEN: "tok-secret-value",
      AWS_PROFILE: "dev",
      AWS_DEFAULT_PROFILE: "prod",
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "us-east-1",
      HTTPS_PROXY: "http://user:pa55@proxy.example:3128",
      AWS_ENDPOINT_URL: "http://127.0.0.1:9999",
      AWS_CA_BUNDLE: path.join(f.home, "no-ca.pem"),
    });
    expect(find(r.json, "environment.credentials", "warning")[0]!.fix).toBe(
      "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN",
    );
    expect(find(r.json, "environment.profile_vars", "warning")[0]!.message).toContain(
      "boto3 uses AWS_DEFAULT_PROFILE",
    );
    expect(find(r.json, "environment.region_vars", "warning")[0]!.fix).toBe(
      "export AWS_DEFAULT_REGION=eu-west-1",
    );
    expect(find(r.json, "environment.proxy", "problem")[0]!.fix).toBe("export NO_PROXY=127.0.0.1,localhost");
    expect(find(r.json, "environment.ca_bundle", "problem")).toHaveLength(1);
    for (const secret of ["wJalrXUtnFEMI", "tok-secret-value", "pa55", "AKIAIOSFODNN7EXAMPLE"])
      expect(r.stdout).not.toContain(secret);
    const missing = await f.doctor([], { AWS_CONFIG_FILE: path.join(f.home, "nope/config") });
    expect(find(missing.json, "environment.config_file", "problem")).toHaveLength(1);
  });
});

describe("doctor: sessions (cache only)", () => {
  it("not signed in, an unreadable token, an expired one, missing scopes (--fix adds them)", async () => {
    const f = await home({
      ".aws/config": `${GOOD}\n[sso-session bare]\nsso_start_url = https://d-2222222222.awsapps.com/start\nsso_region = eu-west-1\n`,
    });
    let r = await f.doctor();
    expect(
      find(r.json, "sessions.token", "warning")
        .map((x) => x.subject)
        .sort(),
    ).toEqual(["acme", "bare"]);
    const { tokenFilePath } = await import("../../src/sso/cache");
    const file = tokenFilePath(path.join(f.home, ".aws/sso/cache"), { cacheKey: "acme" });
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await fs.writeFile(file, "{not json", { mode: 0o600 });
    r = await f.doctor();
    expect(find(r.json, "sessions.token", "problem")[0]!.message).toContain("unreadable");
    await fs.writeFile(
      file,
      JSON.stringify({ accessToken: "secret-token-value", expiresAt: "2020-01-01T00:00:00Z" }),
      { mode: 0o600 },
    );
    r = await f.doctor();
    expect(find(r.json, "sessions.token").find((x) => x.subject === "acme")!.message).toMatch(
      /expired .* ago/,
    );
    expect(r.stdout).not.toContain("secret-token-value");
    expect(find(r.json, "sessions.scopes", "warning")[0]!.subject).toBe("bare");
    // The text run shows the diff first; --fix --yes applies it and doctor runs again: clean.
    const { runCli } = await import("../cli/support");
    const fixed = await runCli(["doctor", "--fix", "--yes"], f.env);
    expect(fixed.stderr).toMatch(
      /\[sessions\.scopes\] bare\n--- .*config\n\+\+\+ .*config\n@@ .* @@\n[\s\S]*\+sso_registration_scopes = sso:account:access\n/,
    );
    expect(fixed.stderr.indexOf("+sso_registration_scopes")).toBeLessThan(
      fixed.stderr.indexOf("applied 1 fix(es)"),
    );
    expect(fixed.code, fixed.stdout).toBe(0);
    expect(fixed.stdout).toContain('ok      sso-session "bare" scopes: sso:account:access');
    const text = await fs.readFile(path.join(f.home, ".aws/config"), "utf8");
    expect(text).toMatch(
      /\[sso-session bare\]\nsso_start_url = \S+\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n/,
    );
    const again = await f.doctor();
    expect(again.code).toBe(0);
    expect(again.json.filter((x) => x.fixable && x.status !== "ok")).toEqual([]);
  });
});
