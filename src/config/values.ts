/**
 * What the services and the AWS CLI accept for a few config values (pure; used by `config lint` and by
 * the SSO profile check before any call, so a bad value is named with its fix instead of coming back
 * from the service as InvalidRequestException). docs/reference.md §1.5, §4.
 */
import { AWS_REGIONS } from "./regions";

/** An AWS account id: exactly 12 digits (the portal refuses anything else). */
export const isAccountId = (v: string): boolean => /^\d{12}$/.test(v);

/** The AWS CLI's `output` choices (anything else: "argument --output: Invalid choice"). */
export const OUTPUT_FORMATS: readonly string[] = ["json", "yaml", "yaml-stream", "text", "table"];

/** Region names the AWS SDK knows (src/config/regions.ts, generated from its partitions data). */
const KNOWN_REGIONS = new Set(AWS_REGIONS);
export const isKnownRegion = (v: string): boolean => KNOWN_REGIONS.has(v);

/** The CLI refuses start URLs that are not https ("The sso_start_url must use the https scheme."). */
export const isHttpsUrl = (v: string): boolean => /^https:\/\//i.test(v);
