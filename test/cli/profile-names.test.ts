/**
 * A profile or sso-session name that names nothing (docs/errors.md profile_not_found,
 * sso_session_not_found, no_profile_selected): the nearest existing names, where the name came from,
 * the list when nothing is close; and one "no profile selected" message for every command.
 * All answered before any network call: in-process CLI, temp HOME, no emulator.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { editDistance, nearestNames, noProfileSelected, profileNotFound } from "../../src/config/paths";
import { tempHome } from "../helpers/emulator";
import { START_URL, writeConfig } from "../helpers/sign-in";
import { runCli } from "./support";

const CONFIG = `[sso-session corp]
sso_start_url = ${START_URL}
sso_region = eu-north-1

[profile sandbox]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev

[profile production]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile typo-session]
sso_session = crop
sso_account_id = 222222222222
sso_role_name = ReadOnly
`;

let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  home = await tempHome();
  env = { HOME: home.home, PATH: process.env["PATH"], NO_COLOR: "1" };
  await writeConfig(home.home, CONFIG);
});
afterEach(() => home.cleanup());

describe("edit distance and suggestions", () => {
  it("counts an adjacent transposition as one edit (Damerau-Levenshtein, OSA)", () => {
    expect(editDistance("sandbx", "sandbox")).toBe(1);
    expect(editDistance("sadnbox", "sandbox")).toBe(1);
    expect(editDistance("dve", "dev")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("ca", "abc")).toBe(3); // OSA, not unrestricted Damerau (which gives 2)
  });

  it("suggests close names only, nearest first, at most three; case differences always", () => {
    expect(nearestNames("sandbx", ["production", "sandbox", "sandbox-2"])).toEqual(["sandbox"]);
    expect(nearestNames("dev", ["qa", "prod"])).toEqual([]);
    expect(nearestNames("Dev", ["dev", "dev1"])).toEqual(["dev", "dev1"]);
    expect(nearestNames("prod", ["prod1", "prod2", "prod3", "prod4"])).toHaveLength(3);
  });

  it("the implicit default that does not exist is 'no profile selected', never 'create a default'", () => {
    const e = profileNotFound({ name: "default", source: "default" }, ["a", "b"]);
    expect(e.code).toBe("no_profile_selected");
    expect(e.hint).toBe("pick one with --profile NAME or export AWS_PROFILE=NAME; the profiles are: a, b");
    expect(noProfileSelected([]).hint).toBe(
      "no profiles are configured yet; create one with: portico configure sso --profile NAME",
    );
    const many = Array.from({ length: 15 }, (_, i) => `p${i}`);
    expect(noProfileSelected(many).hint).toContain("p9 and 5 more");
  });
});

describe("a mistyped profile name", () => {
  it.each([
    ["whoami"],
    ["login", "--device-code", "--no-browser"],
    ["credential-process"],
    ["credentials"],
    ["accounts"],
  ])("%s --profile sandbx: exit 3, suggests sandbox, says it came from --profile", async (...cmd) => {
    const r = await runCli([...cmd, "--profile", "sandbx"], env);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("portico: The config profile (sandbx) could not be found (from --profile)\n");
    expect(r.stderr).toContain(
      'hint: did you mean "sandbox"? (--profile sandbox); to create "sandbx": portico configure sso --profile sandbx\n',
    );
  });

  it("a stale AWS_PROFILE: named as the source, with the export to fix it", async () => {
    const r = await runCli(["whoami"], { ...env, AWS_PROFILE: "prodution" });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      "The config profile (prodution) could not be found (from AWS_PROFILE=prodution)",
    );
    expect(r.stderr).toContain('did you mean "production"? (export AWS_PROFILE=production)');
    expect(r.stderr).toContain("(or unset AWS_PROFILE)");
  });

  it("AWS_DEFAULT_PROFILE is named when it is the source", async () => {
    const r = await runCli(["login", "--device-code", "--no-browser"], {
      ...env,
      AWS_DEFAULT_PROFILE: "sandbx",
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("(from AWS_DEFAULT_PROFILE=sandbx)");
    expect(r.stderr).toContain("export AWS_DEFAULT_PROFILE=sandbox");
  });

  it("nothing close: the profiles are listed", async () => {
    const r = await runCli(["whoami", "--profile", "zzz"], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'hint: the profiles are: sandbox, production, typo-session; to create "zzz": portico configure sso --profile zzz\n',
    );
  });
});

describe("a mistyped sso-session name", () => {
  it("--sso-session corpp suggests corp", async () => {
    const r = await runCli(["login", "--sso-session", "corpp", "--device-code", "--no-browser"], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('The specified sso-session does not exist: "corpp" (from --sso-session)');
    expect(r.stderr).toContain(
      'hint: did you mean "corp"? to create "corpp": portico configure sso-session corpp',
    );
  });

  it("a profile's sso_session = crop names the profile and suggests corp", async () => {
    const r = await runCli(["login", "--profile", "typo-session", "--device-code", "--no-browser"], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('"crop" (sso_session of [profile typo-session])');
    expect(r.stderr).toContain('did you mean "corp"?');
  });
});

describe("no profile selected", () => {
  const commands = [
    ["whoami"],
    ["login", "--device-code", "--no-browser"],
    ["logout"],
    ["credential-process"],
    ["credentials"],
    ["accounts"],
    ["exec", "--", "true"],
  ];
  it.each(commands)("%s: the same message, listing the profiles and how to pick one", async (...cmd) => {
    const r = await runCli(cmd, env);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toBe(
      "portico: No profile selected: no --profile, AWS_PROFILE or AWS_DEFAULT_PROFILE, and no [default] profile\n" +
        "hint: pick one with --profile NAME or export AWS_PROFILE=NAME; the profiles are: sandbox, production, typo-session\n",
    );
    expect(r.stderr).not.toMatch(/default profile\b.*create|--profile default/);
  });
});
