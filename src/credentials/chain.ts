/**
 * The profiles being resolved, passed to credential_process children in `_PORTICO_PROFILE_CHAIN` (the
 * AWS CLI does the same with `_AWS_CLI_PROFILE_CHAIN`), so a profile whose credential_process asks
 * portico for that same profile fails fast instead of forking forever.
 */
export const CHAIN_ENV = "_PORTICO_PROFILE_CHAIN";
export const MAX_CHAIN = 4;

/** The chain inherited from a parent portico (comma-separated profile names). */
export function inheritedChain(env: NodeJS.ProcessEnv): string[] {
  const v = env[CHAIN_ENV];
  return v ? v.split(",").filter((s) => s !== "") : [];
}
