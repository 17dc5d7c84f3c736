/**
 * Test support for the credentials area: write a config by hand, and sign in through the real device
 * flow (SDK OIDC client → emulator with auto-approval), caching the token as the AWS CLI does.
 * Independent of the `portico login` command so these tests exercise only the credentials code.
 */
import { awsPaths } from "../../src/config/paths";
import { isPorticoError, type PorticoError } from "../../src/errors";
import { writeToken } from "../../src/sso/cache";
import { deviceToken, SSO_REGION, START_URL } from "../helpers/sign-in";

export { SSO_REGION, START_URL, writeConfig } from "../helpers/sign-in";

/** A config with sso-session "acme" and a few profiles on the demo org (alice's assignments). */
export function demoConfig(extra = ""): string {
  return `[sso-session acme]
sso_start_url = ${START_URL}
sso_region = ${SSO_REGION}
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = acme
sso_account_id = 333333333333
sso_role_name = PowerUserAccess
region = eu-north-1

[profile admin]
sso_session = acme
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1

[profile forbidden]
sso_session = acme
sso_account_id = 111111111111
sso_role_name = ViewOnlyAccess
region = eu-north-1

[profile legacy]
sso_start_url = ${START_URL}
sso_region = ${SSO_REGION}
sso_account_id = 222222222222
sso_role_name = AdministratorAccess
region = eu-north-1
${extra}`;
}

export function testEnv(home: string, url: string): NodeJS.ProcessEnv {
  return {
    HOME: home,
    PATH: process.env["PATH"],
    AWS_ENDPOINT_URL: url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    NO_COLOR: "1",
  };
}

/**
 * Device-code sign-in with the real SDK client against the emulator (auto-approve on), token cached
 * under `cacheKey` (the sso-session name, or the start URL for legacy profiles).
 */
export async function deviceSignIn(
  env: NodeJS.ProcessEnv,
  cacheKey: string,
  options: { scopes?: string[]; expiresAt?: Date } = {},
): Promise<{ accessToken: string; refreshToken?: string }> {
  const tok = await deviceToken({
    endpoint: env["AWS_ENDPOINT_URL"]!,
    region: SSO_REGION,
    scopes: options.scopes ?? (cacheKey === START_URL ? null : ["sso:account:access"]),
  });
  await writeToken(
    awsPaths(env).ssoCacheDir,
    { cacheKey },
    {
      startUrl: START_URL,
      region: SSO_REGION,
      accessToken: tok.accessToken,
      expiresAt: options.expiresAt ?? new Date(Date.now() + tok.expiresIn * 1000),
      clientId: tok.clientId,
      clientSecret: tok.clientSecret,
      registrationExpiresAt: new Date(tok.clientSecretExpiresAt * 1000),
      ...(tok.refreshToken ? { refreshToken: tok.refreshToken } : {}),
    },
  );
  return { accessToken: tok.accessToken, ...(tok.refreshToken ? { refreshToken: tok.refreshToken } : {}) };
}

/** The PorticoError `p` rejects with (any other outcome fails the test). */
export async function rejection(p: Promise<unknown>): Promise<PorticoError> {
  try {
    await p;
  } catch (e) {
    if (isPorticoError(e)) return e;
    throw e;
  }
  throw new Error("expected a PorticoError");
}
