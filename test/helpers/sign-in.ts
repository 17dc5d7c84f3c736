/**
 * The test side of a sign-in, shared by every area: the start URL and SSO region the tests configure,
 * a config file written by hand, and one device-code sign-in with the real SDK OIDC client against a
 * running emulator (auto-approve on; an approval still pending is polled for, as a client would).
 */
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";

/** An https, AWS-looking start URL (never contacted): the emulator's default, which the real CLIs accept. */
export const START_URL = "https://d-0000000000.awsapps.com/start";
export const SSO_REGION = "eu-north-1";
export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** `~/.aws/config` under `home` with `text` (0700 folder, 0600 file, as portico writes them). */
export async function writeConfig(home: string, text: string): Promise<void> {
  await mkdir(path.join(home, ".aws"), { recursive: true, mode: 0o700 });
  await writeFile(path.join(home, ".aws", "config"), text, { mode: 0o600 });
}

export interface DeviceToken {
  accessToken: string;
  refreshToken?: string;
  clientId: string;
  clientSecret: string;
  /** Seconds, as CreateToken answered. */
  expiresIn: number;
  /** Seconds since the epoch, as RegisterClient answered. */
  clientSecretExpiresAt: number;
}

/**
 * RegisterClient → StartDeviceAuthorization → CreateToken (device grant) at `endpoint`, with no SDK
 * retries (errors surface as they are). `scopes: null` registers without scopes (legacy profiles).
 */
export async function deviceToken(opts: {
  endpoint: string;
  region: string;
  startUrl?: string;
  scopes?: string[] | null;
  clientName?: string;
}): Promise<DeviceToken> {
  const oidc = new SSOOIDCClient({ region: opts.region, endpoint: opts.endpoint, maxAttempts: 1 });
  const scopes = opts.scopes === undefined ? ["sso:account:access"] : opts.scopes;
  const reg = await oidc.send(
    new RegisterClientCommand({
      clientName: opts.clientName ?? "portico-test",
      clientType: "public",
      ...(scopes ? { scopes } : {}),
    }),
  );
  const dev = await oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: reg.clientId!,
      clientSecret: reg.clientSecret!,
      startUrl: opts.startUrl ?? START_URL,
    }),
  );
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const tok = await oidc.send(
        new CreateTokenCommand({
          clientId: reg.clientId!,
          clientSecret: reg.clientSecret!,
          grantType: DEVICE_GRANT,
          deviceCode: dev.deviceCode!,
        }),
      );
      return {
        accessToken: tok.accessToken!,
        ...(tok.refreshToken ? { refreshToken: tok.refreshToken } : {}),
        clientId: reg.clientId!,
        clientSecret: reg.clientSecret!,
        expiresIn: tok.expiresIn!,
        clientSecretExpiresAt: reg.clientSecretExpiresAt!,
      };
    } catch (e) {
      const name = (e as { name?: string }).name;
      const waiting = name === "AuthorizationPendingException" || name === "SlowDownException";
      if (!waiting || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
