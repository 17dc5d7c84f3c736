/** SDK JS v3 clients pointed at a running emulator (no retries unless asked: errors surface as they are). */
import { SSOClient } from "@aws-sdk/client-sso";
import { SSOOIDCClient } from "@aws-sdk/client-sso-oidc";
import { STSClient } from "@aws-sdk/client-sts";
import type { RunningEmulator } from "../helpers/emulator";
import { type DeviceToken, deviceToken } from "../helpers/sign-in";

export { DEVICE_GRANT } from "../helpers/sign-in";

export function oidcClient(emu: RunningEmulator, endpoint = emu.url): SSOOIDCClient {
  return new SSOOIDCClient({ region: emu.region, endpoint, maxAttempts: 1 });
}

export function portalClient(emu: RunningEmulator, maxAttempts = 1): SSOClient {
  return new SSOClient({ region: emu.region, endpoint: emu.url, maxAttempts });
}

export function stsClient(
  emu: RunningEmulator,
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): STSClient {
  return new STSClient({ region: "us-west-2", endpoint: emu.url, credentials: creds, maxAttempts: 1 });
}

/** Register + device authorization + (auto-approved) CreateToken: a signed-in access token. */
export function deviceSignIn(
  emu: RunningEmulator,
  scopes: string[] | null = ["sso:account:access"],
): Promise<DeviceToken> {
  return deviceToken({
    endpoint: emu.url,
    region: emu.region,
    startUrl: emu.startUrl,
    scopes,
    clientName: "test",
  });
}

/** The error an SDK call rejects with (fails the test if it resolves). */
export async function sdkError(
  p: Promise<unknown>,
): Promise<Record<string, unknown> & { name: string; $metadata: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as Record<string, unknown> & { name: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error("expected the call to fail, it succeeded");
}
