/**
 * Credentials from the environment, as botocore's EnvProvider reads them (docs/reference.md §1.4).
 * Pure and import-free: used by the resolver (src/credentials/resolve.ts re-exports it) and by the
 * launcher's lean `status` (src/status/fast-path.ts).
 */
import type { AwsCredentials } from "./types";

/** botocore's EnvProvider: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, token from AWS_SESSION_TOKEN / AWS_SECURITY_TOKEN. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): AwsCredentials | undefined {
  const accessKeyId = env["AWS_ACCESS_KEY_ID"];
  const secretAccessKey = env["AWS_SECRET_ACCESS_KEY"];
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env["AWS_SESSION_TOKEN"] || env["AWS_SECURITY_TOKEN"] || undefined;
  const exp = env["AWS_CREDENTIAL_EXPIRATION"];
  const expiration = exp ? new Date(exp) : undefined;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration && !Number.isNaN(expiration.getTime()) ? { expiration } : {}),
  };
}
