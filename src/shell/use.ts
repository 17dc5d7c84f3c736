/**
 * `portico use` in full (the fast path, src/shell/fast-path.ts, answers the common case first): load
 * the config, make sure the profile can be used — signing in first when its SSO session needs it,
 * with the login command's flow rules (injected as `signIn`) — and render the statements for the
 * shell (src/shell/plan.ts). Profile mode needs no role credentials (the tools fetch their own); export
 * mode resolves them through src/credentials/resolve.ts (cache, single flight).
 */
import type { AwsConfig } from "../config/load";
import { loadAwsConfig } from "../config/load";
import type { AwsPaths } from "../config/paths";
import { providerOf, resolveCredentials } from "../credentials/resolve";
import type { ResolvedCredentials } from "../credentials/types";
import { isPorticoError } from "../errors";
import { readToken } from "../sso/cache";
import { type SsoSession, shellWord, ssoProfile, ssoSessionForProfile } from "../sso/session";
import { decideToken } from "../sso/token-provider";
import type { UseArgs } from "./fast-path";
import { renderPlan, switchPlan, unsetPlan } from "./plan";
import type { Shell } from "./quote";

export interface UseDeps {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** Seconds since boot (fish's clock, src/shell/init.ts). */
  uptimeS: () => number;
  /** Sign in to `session` as `portico login` would; `selectArgs` completes hints (`--profile X`). */
  signIn: (paths: AwsPaths, session: SsoSession, selectArgs: string) => Promise<void>;
  /** People's messages (stderr). */
  say: (line: string) => void;
}

export interface UseResult {
  text: string;
  /** What the prompt shows, if anything expires. */
  expiresAt?: Date;
  signedIn: boolean;
}

/** The statements for `--unset`. */
export function unsetStatements(shell: Shell, env: NodeJS.ProcessEnv): string {
  return renderPlan(shell, unsetPlan(env));
}

const str = (config: AwsConfig, profile: string, key: string): string | undefined => {
  const v = config.profiles.get(profile)?.values[key];
  return typeof v === "string" && v !== "" ? v : undefined;
};

/** A usable SSO token's expiry for an SSO profile, signing in (or refreshing) first when needed. */
async function ensureSession(
  deps: UseDeps,
  config: AwsConfig,
  profile: string,
): Promise<{ expiresAt: Date; signedIn: boolean }> {
  const sp = ssoProfile(config, profile);
  const selectArgs = `--profile ${shellWord(profile)}`;
  const read = await readToken(config.paths.ssoCacheDir, sp.session);
  const decision = decideToken(sp.session, read, deps.now());
  if (decision.action === "use") return { expiresAt: decision.token.expiresAt, signedIn: false };
  if (decision.action === "refresh") {
    const { getSsoToken } = await import("../sso/token-provider");
    try {
      const t = await getSsoToken(
        { env: deps.env, now: deps.now, paths: config.paths },
        sp.session,
        selectArgs,
      );
      return { expiresAt: t.expiresAt, signedIn: false };
    } catch (e) {
      if (!isPorticoError(e) || e.code !== "sign_in_required") throw e;
    }
  }
  await deps.signIn(config.paths, sp.session, selectArgs);
  const again = await readToken(config.paths.ssoCacheDir, sp.session);
  if (again.status !== "ok") throw new Error("sign-in finished without a cached token");
  return { expiresAt: again.token.expiresAt, signedIn: true };
}

export async function useStatements(deps: UseDeps, args: UseArgs): Promise<UseResult> {
  const config = await loadAwsConfig(deps.env);
  const section = config.profiles.get(args.profile);
  // The one profile_not_found error (and its suggestions) lives with the session lookup.
  if (!section) ssoSessionForProfile(config, args.profile);
  const kind = providerOf(section!, config.paths.credentialsFile);
  const region = str(config, args.profile, "region");
  const base = {
    shell: args.shell,
    profile: args.profile,
    keepRegion: args.keepRegion,
    env: deps.env,
    now: deps.now(),
    ...(region !== undefined ? { region } : {}),
    ...(args.shell === "fish" ? { uptimeS: deps.uptimeS() } : {}),
  };
  if (args.mode === "profile") {
    if (kind !== "sso") {
      return { text: renderPlan(args.shell, switchPlan({ ...base, mode: "profile" })), signedIn: false };
    }
    const s = await ensureSession(deps, config, args.profile);
    if (s.expiresAt.getTime() - deps.now().getTime() < 15 * 60_000)
      deps.say(
        `warning: the SSO session of ${args.profile} ends in under 15 minutes and cannot be refreshed; portico login --profile ${shellWord(args.profile)}`,
      );
    return {
      text: renderPlan(args.shell, switchPlan({ ...base, mode: "profile", expiresAt: s.expiresAt })),
      expiresAt: s.expiresAt,
      signedIn: s.signedIn,
    };
  }
  const resolve = () => resolveCredentials({ env: deps.env, now: deps.now }, { profile: args.profile });
  let resolved: ResolvedCredentials;
  let signedIn = false;
  try {
    resolved = await resolve();
  } catch (e) {
    if (!isPorticoError(e) || e.code !== "sign_in_required" || kind !== "sso") throw e;
    await deps.signIn(
      config.paths,
      ssoSessionForProfile(config, args.profile),
      `--profile ${shellWord(args.profile)}`,
    );
    signedIn = true;
    resolved = await resolve();
  }
  const exp = resolved.credentials.expiration;
  return {
    text: renderPlan(
      args.shell,
      switchPlan({
        ...base,
        mode: "export",
        credentials: resolved.credentials,
        ...(exp ? { expiresAt: exp } : {}),
      }),
    ),
    ...(exp ? { expiresAt: exp } : {}),
    signedIn,
  };
}
