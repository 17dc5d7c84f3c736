/** Temporary (or static) AWS credentials as portico hands them to other tools. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Absent for long-term static keys. */
  expiration?: Date;
  accountId?: string;
}

/** Where a set of credentials came from (for whoami / messages; never secrets). */
export type CredentialSource =
  | {
      kind: "sso";
      profileName: string;
      accountId: string;
      roleName: string;
      cached: boolean;
      cacheKey: string;
    }
  | {
      kind: "assume-role";
      profileName: string;
      roleArn: string;
      sourceProfile: string;
      cached: boolean;
      cacheKey: string;
    }
  | {
      kind: "web-identity";
      profileName: string;
      roleArn: string;
      cached: boolean;
      cacheKey: string;
    }
  | { kind: "process"; profileName: string }
  | { kind: "env" }
  | { kind: "static"; profileName: string };

export interface ResolvedCredentials {
  credentials: AwsCredentials;
  source: CredentialSource;
  /** The region to hand to child processes (flag / env / profile), if any. */
  region?: string;
}
