/** Profile kinds in botocore's provider order (docs/reference.md §1.4). */
import { describe, expect, it } from "vitest";
import { parseRoleArn, profileKind } from "../../src/config/describe";

describe("profileKind", () => {
  const creds = (keys: string[]) => (k: string) => keys.includes(k);
  it("follows assume-role → web identity → SSO → credentials-file keys → process → config-file keys", () => {
    expect(profileKind({ role_arn: "arn:aws:iam::1:role/x", sso_account_id: "1" })).toBe("assume-role");
    expect(profileKind({ web_identity_token_file: "/t", sso_role_name: "r" })).toBe("web-identity");
    expect(profileKind({ sso_role_name: "r", aws_access_key_id: "A" }, creds(["aws_access_key_id"]))).toBe(
      "sso-legacy",
    );
    expect(profileKind({ sso_account_id: "1", sso_session: "s" })).toBe("sso");
    expect(
      profileKind({ credential_process: "x", aws_access_key_id: "A" }, creds(["aws_access_key_id"])),
    ).toBe("static");
    expect(profileKind({ credential_process: "x", aws_access_key_id: "A" })).toBe("process");
    expect(profileKind({ aws_access_key_id: "A" })).toBe("static");
    expect(profileKind({ sso_session: "s", region: "x" })).toBe("unknown");
  });
  it("parses role ARNs with paths", () => {
    expect(parseRoleArn("arn:aws:iam::123456789012:role/a/b/Deployer")).toEqual({
      account: "123456789012",
      role: "Deployer",
    });
    expect(parseRoleArn("arn:aws-cn:iam::123456789012:role/R")).toEqual({
      account: "123456789012",
      role: "R",
    });
    expect(parseRoleArn("not an arn")).toBeUndefined();
  });
});
