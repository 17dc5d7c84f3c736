/**
 * How every AWS SDK client in portico is configured: one place for the endpoint override and the
 * time-outs. The SDK modules themselves are imported lazily by their callers (`await import(...)`), so
 * they stay out of the start-up path; this file imports none of them.
 */

export type SdkService = "SSO" | "SSO_OIDC" | "STS" | "IDENTITYSTORE" | "SSO_ADMIN" | "ORGANIZATIONS";

/**
 * The configured endpoint override for a service, as the SDKs read it (docs/reference.md §8.1):
 * AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true.
 * The SDK would read process.env by itself; passing the value explicitly makes an injected env
 * (tests, library callers) authoritative.
 */
export function endpointOverride(env: NodeJS.ProcessEnv, service: SdkService): string | undefined {
  if ((env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] ?? "").toLowerCase() === "true") return undefined;
  return env[`AWS_ENDPOINT_URL_${service}`] || env["AWS_ENDPOINT_URL"] || undefined;
}

export interface SdkClientOptions {
  env: NodeJS.ProcessEnv;
  service: SdkService;
  region: string;
  /** SDK attempts including the first (standard retry mode: 429/5xx/network, jittered backoff). */
  maxAttempts?: number;
  /** Connection and response time-out per attempt. */
  timeoutMs?: number;
}

/** The constructor config for an SDK client of `service`. */
export function sdkClientConfig(o: SdkClientOptions) {
  const endpoint = endpointOverride(o.env, o.service);
  const timeout = o.timeoutMs ?? 10_000;
  return {
    region: o.region,
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: o.maxAttempts ?? 3,
    // Every setting the SDK would otherwise look up in ~/.aws/config itself (its own ini loader, a
    // second full parse of the file on portico's paths): portico has read the config once already, and
    // these are the values it means. (docs/benchmarks.md "Hot paths": the config is opened once.)
    retryMode: "standard" as const,
    defaultsMode: "standard" as const,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    userAgentAppId: async () => undefined,
    authSchemePreference: async (): Promise<string[]> => [],
    // throwOnRequestTimeout: without it the SDK only logs a warning and a silent endpoint hangs forever.
    requestHandler: { connectionTimeout: timeout, requestTimeout: timeout, throwOnRequestTimeout: true },
  };
}
