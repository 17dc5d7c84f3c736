/**
 * `portico doctor --verify`: the network facts (docs/doctor.md "verify"). For each SSO session: does
 * the OIDC endpoint of its sso_region answer (RegisterClient), does the start URL belong to that region
 * (StartDeviceAuthorization + one CreateToken poll: "authorization pending" means yes, invalid_grant
 * means the guides' wrong-region error), and how far the clock is from the service's Date header. When
 * the region is wrong, a few other regions are probed the same way to find the right one. Then the
 * selected profile's role credentials and STS GetCallerIdentity. Nothing is written except what
 * credential resolution itself caches (role credentials, a refreshed token).
 */

import { resolveProfileName } from "../config/paths";
import { isPorticoError } from "../errors";
import { endpointOverride } from "../platform/aws-sdk";
import type { SsoSession } from "../sso/session";
import type { Facts, IdentityFact, VerifyFact } from "./types";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** Regions tried, after the ones named in the config, when a start URL is refused (Identity Center's most used). */
const COMMON_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-2",
  "eu-west-1",
  "eu-central-1",
  "eu-north-1",
  "eu-west-2",
  "ap-southeast-2",
  "ap-northeast-1",
  "ca-central-1",
];
const MAX_PROBES = 8;
const REGION_IN_URL = /\/region\/[a-z]{2}(?:-[a-z]+)+-\d\/?$/;

type Probe = {
  reachable: boolean;
  endpoint?: string;
  reachError?: string;
  startUrl?: VerifyFact["startUrl"];
  startUrlError?: string;
  skewMs?: number;
};

async function probe(
  env: NodeJS.ProcessEnv,
  session: SsoSession,
  region: string,
  now: () => Date,
  withClock: boolean,
): Promise<Probe> {
  const { createOidcApi } = await import("../sso/oidc");
  const api = await createOidcApi({
    env,
    region,
    maxAttempts: 1,
    requestTimeoutMs: 8000,
    throttlePatienceMs: 3000,
  });
  const clock = withClock
    ? (async () => {
        try {
          const sent = now().getTime();
          const r = await fetch(api.endpoint, { method: "GET", signal: AbortSignal.timeout(8000) });
          const got = now().getTime();
          await r.body?.cancel();
          const date = r.headers.get("date");
          const server = date ? Date.parse(date) : Number.NaN;
          // Date has 1 s resolution: compare with the middle of the round trip.
          return Number.isNaN(server) ? undefined : server + 500 - (sent + got) / 2;
        } catch {
          return undefined;
        }
      })()
    : Promise.resolve(undefined);
  const out: Probe = { reachable: false, endpoint: api.endpoint };
  try {
    const reg = await api.registerClient({
      clientName: "portico-doctor",
      clientType: "public",
      ...(session.registrationScopes?.length ? { scopes: session.registrationScopes } : {}),
    });
    out.reachable = true;
    try {
      const dev = await api.startDeviceAuthorization({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        startUrl: session.startUrl,
      });
      try {
        await api.createToken({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          grantType: DEVICE_GRANT,
          deviceCode: dev.deviceCode,
        });
        out.startUrl = "ok"; // approved already (an emulator with auto-approve): the region is right
      } catch (e) {
        const kind = isPorticoError(e) ? (e.details?.["oidcError"] as string | undefined) : undefined;
        if (kind === "authorization_pending" || kind === "slow_down") out.startUrl = "ok";
        else if (kind === "invalid_grant") {
          out.startUrl = "wrong_region";
          out.startUrlError = "invalid_grant";
        } else {
          out.startUrl = "error";
          out.startUrlError = isPorticoError(e) ? e.message : String(e);
        }
      }
    } catch (e) {
      const kind = isPorticoError(e) ? (e.details?.["oidcError"] as string | undefined) : undefined;
      out.startUrl = kind === "invalid_grant" || kind === "invalid_request" ? "wrong_region" : "error";
      out.startUrlError = isPorticoError(e) ? e.message : String(e);
    }
  } catch (e) {
    out.reachError = isPorticoError(e) ? e.message : String(e);
  }
  const skew = await clock;
  if (skew !== undefined) out.skewMs = skew;
  return out;
}

/** The env that addresses `region`'s OIDC endpoint; undefined when an endpoint override pins one region. */
function envForRegion(env: NodeJS.ProcessEnv, region: string): NodeJS.ProcessEnv | undefined {
  const override = endpointOverride(env, "SSO_OIDC");
  if (!override) return env;
  // The emulator's regional addressing (docs/emulator.md): <url>/region/<r>.
  if (REGION_IN_URL.test(override))
    return { ...env, AWS_ENDPOINT_URL_SSO_OIDC: override.replace(REGION_IN_URL, `/region/${region}`) };
  return undefined;
}

export async function verifyFacts(
  f: Facts,
  deps: { env: NodeJS.ProcessEnv; now: () => Date },
): Promise<{ verify: VerifyFact[]; identity?: IdentityFact }> {
  const configured = new Set<string>();
  for (const s of f.sessions) configured.add(s.session.region);
  for (const p of f.config?.profiles.values() ?? [])
    if (typeof p.values["region"] === "string") configured.add(p.values["region"] as string);
  const sessions = f.sessions.slice(0, 5);
  const verify = await Promise.all(
    sessions.map(async (s): Promise<VerifyFact> => {
      const p = await probe(deps.env, s.session, s.session.region, deps.now, true);
      const v: VerifyFact = { key: s.key, region: s.session.region, ...p };
      if (p.startUrl === "wrong_region") {
        const candidates = [...new Set([...configured, ...COMMON_REGIONS])]
          .filter((r) => r !== s.session.region)
          .slice(0, MAX_PROBES);
        const envs = candidates
          .map((r) => [r, envForRegion(deps.env, r)] as const)
          .filter((x): x is readonly [string, NodeJS.ProcessEnv] => x[1] !== undefined);
        v.probed = envs.map(([r]) => r);
        const results = await Promise.all(
          envs.map(([r, e]) => probe(e, s.session, r, deps.now, false).then((x) => [r, x] as const)),
        );
        const hit = results.find(([, x]) => x.startUrl === "ok");
        if (hit) v.correctRegion = hit[0];
      }
      return v;
    }),
  );
  let identity: IdentityFact | undefined;
  const sel = resolveProfileName(deps.env, f.profileFlag);
  if (f.config?.profiles.has(sel.name)) {
    identity = { profile: sel.name, ok: false };
    try {
      const { resolveCredentials } = await import("../credentials/resolve");
      const { getCallerIdentity, parseAssumedRoleArn } = await import("../credentials/identity");
      const r = await resolveCredentials(deps, { profile: sel.name });
      const region =
        r.region ?? f.sessions.find((s) => s.profiles.includes(sel.name))?.session.region ?? "us-east-1";
      const id = await getCallerIdentity(deps.env, r.credentials, region, `--profile ${sel.name}`);
      const parsed = parseAssumedRoleArn(id.arn);
      identity = {
        profile: sel.name,
        ok: true,
        account: id.account,
        arn: id.arn,
        ...(parsed ? { role: parsed.roleName, user: parsed.user } : {}),
        ...(parsed?.permissionSet ? { permissionSet: parsed.permissionSet } : {}),
      };
    } catch (e) {
      identity.error = isPorticoError(e)
        ? { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }
        : { code: "internal", message: String(e) };
    }
  }
  return { verify, ...(identity ? { identity } : {}) };
}
