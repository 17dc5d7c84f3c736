import { describe, expect, it } from "vitest";
import { PorticoError } from "../../src/errors";
import { parseScopes, ssoProfile, ssoSessionByName, ssoSessionForProfile } from "../../src/sso/session";
import { configOf } from "./config-fixture";

const START = "https://d-1234567890.awsapps.com/start";
const sessions = {
  "my-sso": { sso_start_url: START, sso_region: "us-east-1", sso_registration_scopes: "sso:account:access" },
};

function fails(fn: () => unknown): PorticoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PorticoError);
    return e as PorticoError;
  }
  throw new Error("expected a PorticoError");
}

describe("ssoProfile (botocore SSOProvider rules, §1.5)", () => {
  it("resolves a modern profile through its sso-session", () => {
    const cfg = configOf(
      {
        dev: {
          sso_session: "my-sso",
          sso_account_id: "111111111111",
          sso_role_name: "Admin",
          region: "us-west-2",
        },
      },
      sessions,
    );
    const p = ssoProfile(cfg, "dev");
    expect(p).toEqual({
      profileName: "dev",
      accountId: "111111111111",
      roleName: "Admin",
      region: "us-west-2",
      session: {
        kind: "sso-session",
        sessionName: "my-sso",
        startUrl: START,
        region: "us-east-1",
        scopes: ["sso:account:access"],
        registrationScopes: ["sso:account:access"],
        cacheKey: "my-sso",
      },
    });
  });

  it("resolves a legacy profile keyed by the start URL exactly as written", () => {
    const cfg = configOf({
      legacy: {
        sso_start_url: `${START}/`,
        sso_region: "us-east-1",
        sso_account_id: "222222222222",
        sso_role_name: "R",
      },
    });
    const p = ssoProfile(cfg, "legacy");
    expect(p.session.kind).toBe("legacy");
    expect(p.session.cacheKey).toBe(`${START}/`);
    expect(p.session.registrationScopes).toBeNull();
    expect(p.region).toBeUndefined();
  });

  it("names every missing key in botocore's order", () => {
    const cfg = configOf({ dev: { sso_account_id: "111111111111" } });
    const e = fails(() => ssoProfile(cfg, "dev"));
    expect(e.message).toBe(
      'The profile "dev" is configured to use SSO but is missing required configuration: sso_role_name, sso_start_url, sso_region',
    );
    expect(e.exitCode).toBe(3);
    expect(e.hint).toContain("portico configure sso --profile dev");
  });

  it("missing sso-session section", () => {
    const cfg = configOf({
      dev: { sso_session: "nope", sso_account_id: "111111111111", sso_role_name: "R" },
    });
    const e = fails(() => ssoProfile(cfg, "dev"));
    expect(e.message).toBe('The specified sso-session does not exist: "nope" (sso_session of [profile dev])');
    expect(e.code).toBe("sso_session_not_found");
    expect(e.exitCode).toBe(3);
  });

  it("inconsistent values between profile and sso-session", () => {
    const cfg = configOf(
      {
        dev: {
          sso_session: "my-sso",
          sso_region: "us-west-2",
          sso_account_id: "111111111111",
          sso_role_name: "R",
        },
      },
      sessions,
    );
    const e = fails(() => ssoProfile(cfg, "dev"));
    expect(e.message).toBe(
      "The value for sso_region is inconsistent between profile (us-west-2) and sso-session (us-east-1).",
    );
  });

  it("an identical duplicate value is fine", () => {
    const cfg = configOf(
      {
        dev: {
          sso_session: "my-sso",
          sso_region: "us-east-1",
          sso_account_id: "111111111111",
          sso_role_name: "R",
        },
      },
      sessions,
    );
    expect(ssoProfile(cfg, "dev").session.region).toBe("us-east-1");
  });

  it("unknown profile and non-SSO profile", () => {
    const cfg = configOf({ keys: { aws_access_key_id: "AKIA" } });
    expect(fails(() => ssoProfile(cfg, "nope")).message).toBe(
      "The config profile (nope) could not be found (from --profile)",
    );
    expect(fails(() => ssoProfile(cfg, "keys")).code).toBe("not_sso_profile");
  });

  it("sso-session with missing start URL", () => {
    const cfg = configOf(
      { dev: { sso_session: "s", sso_account_id: "111111111111", sso_role_name: "R" } },
      { s: { sso_region: "eu-north-1" } },
    );
    const e = fails(() => ssoProfile(cfg, "dev"));
    expect(e.message).toContain("missing required configuration: sso_start_url");
  });
});

describe("values the portal would refuse", () => {
  it("an sso_account_id that is not 12 digits is named with its line and the fix, before any call", () => {
    const cfg = configOf(
      { dev: { sso_session: "s", sso_account_id: "12345", sso_role_name: "R" } },
      { s: { sso_start_url: START, sso_region: "eu-north-1" } },
    );
    const e = fails(() => ssoProfile(cfg, "dev"));
    expect(e.code).toBe("sso_account_id_invalid");
    expect(e.exitCode).toBe(3);
    expect(e.message).toMatch(
      /^The profile "dev" has sso_account_id = 12345 \(.+:\d+\): an AWS account id is 12 digits/,
    );
    expect(e.hint).toBe(
      "portico config set sso_account_id 123456789012 --profile dev with your account's id (they are listed by: portico accounts --profile dev)",
    );
    expect(() =>
      ssoProfile(
        configOf(
          { dev: { ...cfg.profiles.get("dev")!.values, sso_account_id: "012345678901" } },
          { s: cfg.ssoSessions.get("s")!.values as Record<string, string> },
        ),
        "dev",
      ),
    ).not.toThrow();
  });
});

describe("ssoSessionByName / ssoSessionForProfile", () => {
  it("scopes: split, trimmed, empties dropped; absent key → null registration scopes", () => {
    expect(parseScopes(" a, ,b ,")).toEqual(["a", "b"]);
    const cfg = configOf({}, { s: { sso_start_url: START, sso_region: "eu-north-1" } });
    const s = ssoSessionByName(cfg, "s");
    expect(s.scopes).toEqual([]);
    expect(s.registrationScopes).toBeNull();
  });

  it("empty scopes value → [] (distinct from absent, as the CLI's cache key)", () => {
    const cfg = configOf(
      {},
      { s: { sso_start_url: START, sso_region: "eu-north-1", sso_registration_scopes: "" } },
    );
    expect(ssoSessionByName(cfg, "s").registrationScopes).toEqual([]);
  });

  it("a login-only profile (no account/role) still names its session", () => {
    const cfg = configOf({ l: { sso_session: "my-sso" } }, sessions);
    expect(ssoSessionForProfile(cfg, "l").sessionName).toBe("my-sso");
  });

  it("aws sso login's message for a profile without SSO settings", () => {
    const cfg = configOf({ p: { region: "x" } });
    expect(fails(() => ssoSessionForProfile(cfg, "p")).message).toBe(
      "Missing the following required SSO configuration values: sso_start_url, sso_region. To make sure this profile is properly configured to use SSO, please run: portico configure sso --profile p",
    );
  });
});
