import { awsPaths } from "../../src/config/paths";
import type { SsoSession } from "../../src/sso/session";
import type { SsoDeps } from "../../src/sso/token-provider";
import type { RunningEmulator } from "../helpers/emulator";

export function depsFor(home: string, emu: RunningEmulator, extraEnv: NodeJS.ProcessEnv = {}): SsoDeps {
  const env = { HOME: home, AWS_ENDPOINT_URL: emu.url, ...extraEnv };
  return { env, now: () => new Date(), paths: awsPaths(env) };
}

export function sessionFor(
  emu: RunningEmulator,
  name = "my-sso",
  over: Partial<SsoSession> = {},
): SsoSession {
  return {
    kind: "sso-session",
    sessionName: name,
    startUrl: emu.startUrl,
    region: emu.region,
    scopes: ["sso:account:access"],
    registrationScopes: ["sso:account:access"],
    cacheKey: name,
    ...over,
  };
}

export function legacyFor(emu: RunningEmulator): SsoSession {
  return {
    kind: "legacy",
    startUrl: emu.startUrl,
    region: emu.region,
    scopes: [],
    registrationScopes: null,
    cacheKey: emu.startUrl,
  };
}

export const count = (emu: RunningEmulator, operation: string, status?: number) =>
  emu.requests().filter((r) => r.operation === operation && (status === undefined || r.status === status))
    .length;

/** A BROWSER command that GETs the URL and follows redirects (the emulator's auto-approve 302 → our callback). */
export const FETCHING_BROWSER = `${process.execPath} -e 'fetch(process.argv[1]).then(r=>r.text()).catch(()=>process.exit(1))'`;

/** A BROWSER command that only records the URL in `file` (the test drives the consent itself). */
export const recordingBrowser = (file: string) =>
  `${process.execPath} -e 'require("fs").writeFileSync(process.argv[1], process.argv[2])' ${file}`;

export { writeConfig } from "../helpers/sign-in";
