/** src/config/regions.ts is the AWS SDK's own region list (scripts/regions.mjs); regenerate when the SDK moves. */
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs helper without declarations
import { regionsFromSdk } from "../../scripts/regions-source.mjs";
import { AWS_REGIONS } from "../../src/config/regions";
import { isKnownRegion } from "../../src/config/values";

describe("region list", () => {
  it("equals the installed SDK's partitions data (else: node scripts/regions.mjs)", async () => {
    const { partitions } = (await regionsFromSdk()) as { partitions: { id: string; regions: string[] }[] };
    expect(AWS_REGIONS).toEqual(partitions.flatMap((p) => p.regions));
    expect(partitions.map((p) => p.id)).toContain("aws-us-gov");
  });

  it("knows the usual names and nothing else", () => {
    for (const r of ["us-east-1", "eu-north-1", "cn-north-1", "us-gov-west-1", "ap-southeast-2"])
      expect(isKnownRegion(r), r).toBe(true);
    for (const r of ["us-east-7", "eu-nowhere-1", "aws-global", "US-EAST-1", "", "Ireland"])
      expect(isKnownRegion(r), r).toBe(false);
  });
});
