/** bench/sso-config.mjs (typed for the tests that import it). */
export function ssoConfigText(o: { profiles: number; sessions?: number }): string;
