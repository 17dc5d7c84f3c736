/**
 * Trusted sign-in hosts (issue 7 defect 6): only the hosts the IAM Identity Center device and
 * authorize flows use, by partition, or the configured endpoint override; look-alikes on every
 * accepted suffix refused (docs/security.md "Trusted hosts").
 */
import { describe, expect, it } from "vitest";
import { checkServerUrl, isTrustedSignInHost } from "../../src/platform/browser";

const env = {};
const ok = (u: string) => expect(() => checkServerUrl(u, env), u).not.toThrow();
const refused = (u: string) => expect(() => checkServerUrl(u, env), u).toThrow(/Refusing/);

describe("trusted sign-in hosts by partition", () => {
  it("accepts the device, OIDC and portal hosts of aws, aws-us-gov, aws-cn and aws-eusc", () => {
    for (const u of [
      // aws
      "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH",
      "https://device.sso.il-central-1.amazonaws.com/",
      "https://oidc.eu-west-1.amazonaws.com/authorize?client_id=x",
      "https://oidc-fips.us-east-2.amazonaws.com/authorize",
      "https://oidc.us-east-1.api.aws/authorize",
      "https://d-1234567890.awsapps.com/start/#/device?user_code=X",
      "https://my-org.awsapps.com/start",
      "https://ssoins-7223a1b2c3d4e5f6.portal.us-east-1.app.aws/",
      "https://ssoins-1.us-west-2.portal.amazonaws.com/",
      "https://identitycenter.amazonaws.com/ssoins-1",
      // aws-us-gov
      "https://device.sso.us-gov-west-1.amazonaws.com/",
      "https://oidc.us-gov-east-1.amazonaws.com/authorize",
      "https://start.us-gov-home.awsapps.com/directory/d-1234567890",
      "https://identitycenter.us-gov.amazonaws.com/",
      // aws-cn
      "https://device.sso.cn-north-1.amazonaws.com.cn/",
      "https://oidc.cn-northwest-1.amazonaws.com.cn/authorize",
      "https://oidc.cn-north-1.api.amazonwebservices.com.cn/authorize",
      "https://d-1.awsapps.cn/start",
      "https://ssoins-1.cn-north-1.portal.amazonaws.com.cn/",
      // aws-eusc
      "https://device.sso.eusc-de-east-1.amazonaws.eu/",
      "https://oidc.eusc-de-east-1.amazonaws.eu/authorize",
      "https://ssoins-1.eusc-de-east-1.portal.amazonaws.eu/",
      "https://identitycenter.amazonaws.eu/",
      // normalised by the URL parser to the same host: upper case, one trailing dot
      "https://DEVICE.SSO.US-EAST-1.AMAZONAWS.COM/",
      "https://d-1.awsapps.com./start",
    ])
      ok(u);
  });

  it("refuses other AWS hosts: S3 buckets, API Gateway, EC2, CloudFront, Lambda URLs", () => {
    for (const u of [
      "https://evil-bucket.s3.amazonaws.com/device.html",
      "https://evil-bucket.s3.us-east-1.amazonaws.com/x",
      "https://s3.amazonaws.com/evil-bucket/x",
      "https://evil.s3-website-us-east-1.amazonaws.com/",
      "https://abc123.execute-api.us-east-1.amazonaws.com/prod/device",
      "https://ec2-3-80-1-2.compute-1.amazonaws.com/",
      "https://ec2-3-80-1-2.us-west-2.compute.amazonaws.com/",
      "https://d111111abcdef8.cloudfront.net/",
      "https://abc.lambda-url.us-east-1.on.aws/",
      "https://evil.elb.amazonaws.com/",
      "https://bucket.s3.cn-north-1.amazonaws.com.cn/",
      "https://bucket.s3.eusc-de-east-1.amazonaws.eu/",
      "https://evil.app.aws/",
      "https://evil.portal.app.aws/",
      "https://x.api.aws/",
      "https://oidc.amazonaws.com/authorize",
      "https://sso.amazonaws.com/",
    ])
      refused(u);
  });

  it("refuses look-alikes of every accepted suffix", () => {
    for (const u of [
      "https://evil-awsapps.com/start",
      "https://awsapps.com/start",
      "https://awsapps.com.evil.io/start",
      "https://d-1.awsapps.com.evil.io/",
      "https://d-1.awsapps.cn.evil.io/",
      "https://device.sso.us-east-1.amazonaws.com.evil.io/",
      "https://device.sso.us-east-1.amazonaws.com.cn.evil.io/",
      "https://devicexsso.us-east-1.amazonaws.com/",
      "https://device.sso.us-east-1.evilamazonaws.com/",
      "https://device.sso.nowhere.amazonaws.com/",
      "https://device.sso.cn-north-1.amazonaws.com/", // China region on the aws suffix
      "https://device.sso.us-east-1.amazonaws.com.cn/", // aws region on the China suffix
      "https://device.sso.us-east-1.amazonaws.eu/",
      "https://oidc.us-east-1.amazonaws.com.evil.io/authorize",
      "https://evil.oidc.us-east-1.amazonaws.com/authorize",
      "https://x.portal.us-east-1.app.aws.evil.io/",
      "https://x.portal.evil.app.aws/",
      "https://a.b.portal.us-east-1.app.aws/",
      "https://identitycenter.amazonaws.com.evil.io/",
      "https://evilidentitycenter.amazonaws.com/",
    ])
      refused(u);
  });

  it("refuses userinfo tricks, ports, other schemes, IDN/punycode and empty labels", () => {
    for (const u of [
      "https://device.sso.us-east-1.amazonaws.com@evil.io/",
      "https://device.sso.us-east-1.amazonaws.com:443@evil.io/",
      "https://user:pw@d-1.awsapps.com/",
      "https://d-1.awsapps.com:8443/start",
      "https://device.sso.us-east-1.amazonaws.com:444/",
      "http://device.sso.us-east-1.amazonaws.com/",
      "ftp://d-1.awsapps.com/",
      "javascript:alert(1)//d-1.awsapps.com",
      "data:text/html,<a href=https://d-1.awsapps.com>",
      "https://d-1.аwsapps.com/", // Cyrillic а
      "https://d-1.xn--wsapps-7ve.com/",
      "https://xn--d-1-xyz.awsapps.com/",
      "https://d-1.awsapps.com../",
      "https://.awsapps.com/",
      "https://-bad.awsapps.com/",
      "https://d-1.awsapps.com%2F@evil.io/",
      "https://evil.io\\@d-1.awsapps.com/",
      "https://evil.io#@d-1.awsapps.com/",
      "https://evil.io?@d-1.awsapps.com/",
      "https://[::1]/",
      "https://127.0.0.1/",
      "not a url",
      "",
    ])
      refused(u);
    // The host part of a URL normalised with a full-width dot is the same host: what is opened is
    // exactly what was checked.
    const u = checkServerUrl("https://d-1。awsapps。com/start", env);
    expect(u.hostname).toBe("d-1.awsapps.com");
  });

  it("isTrustedSignInHost is exact on bare hosts too", () => {
    expect(isTrustedSignInHost("amazonaws.com")).toBe(false);
    expect(isTrustedSignInHost("awsapps.com")).toBe(false);
    expect(isTrustedSignInHost("d-1.awsapps.com")).toBe(true);
    expect(isTrustedSignInHost(`${"a".repeat(64)}.awsapps.com`)).toBe(false);
    expect(isTrustedSignInHost(`${"a.".repeat(130)}awsapps.com`)).toBe(false);
  });

  it("the endpoint override is trusted on its own origin and path only", () => {
    const e = { AWS_ENDPOINT_URL_SSO_OIDC: "http://127.0.0.1:4599/oidc" };
    expect(() => checkServerUrl("http://127.0.0.1:4599/oidc/device?user_code=A", e)).not.toThrow();
    for (const u of [
      "http://127.0.0.1:4599/oidcx/device",
      "http://127.0.0.1:4598/oidc/device",
      "https://127.0.0.1:4599/oidc/device",
      "http://localhost:4599/oidc/device",
      "http://u@127.0.0.1:4599/oidc/device",
      "http://127.0.0.1:4599@evil.io/oidc/device",
    ])
      expect(() => checkServerUrl(u, e), u).toThrow(/Refusing/);
  });
});
