/**
 * The AWS SDK prints a NodeVersionSupportWarning on Node 20 unless
 * AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED is exactly "true" when it loads; on stderr it would
 * spoil credential_process and --json output, so the entry points set it. What portico sets for itself
 * must not reach the programs it starts (`portico exec` promises the child exactly the parent's
 * environment plus the credentials): a marker says the value is portico's, and `withoutPorticoEnv`
 * takes both away again. Dependency-free: the CommonJS launcher loads it on the hot path.
 */
export const SDK_WARNING_VAR = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";
/** Present only when portico, not the user, set SDK_WARNING_VAR. */
export const SDK_WARNING_MARK = "_PORTICO_SET_SDK_WARNING_DISABLED";

/** Silence the SDK's warning in `env` (process.env) unless the user decided; remember that we did. */
export function silenceSdkWarning(env: NodeJS.ProcessEnv): void {
  if (env[SDK_WARNING_VAR] !== undefined) return;
  env[SDK_WARNING_VAR] = "true";
  env[SDK_WARNING_MARK] = "1";
}

/** `env` as the user gave it to portico: without what `silenceSdkWarning` added. */
export function withoutPorticoEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env[SDK_WARNING_MARK] === undefined) return { ...env };
  const out = { ...env };
  delete out[SDK_WARNING_MARK];
  delete out[SDK_WARNING_VAR];
  return out;
}
