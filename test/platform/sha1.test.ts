/**
 * The one SHA-1 of cache file names (src/platform/sha1.ts, @noble/hashes) names files exactly as
 * node:crypto — and so the AWS CLI and botocore, which hash the UTF-8 bytes of the same strings — do.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha1Hex } from "../../src/platform/sha1";

describe("sha1Hex", () => {
  it("equals node:crypto's SHA-1 of the UTF-8 bytes for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (s) => {
        expect(sha1Hex(s)).toBe(createHash("sha1").update(s, "utf8").digest("hex"));
      }),
      { numRuns: 500 },
    );
  });
  it("a known value: the token cache name of session 'my-sso' (docs/reference.md §2.1)", () => {
    expect(sha1Hex("my-sso")).toBe(createHash("sha1").update("my-sso").digest("hex"));
    expect(sha1Hex("")).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
  });
});
