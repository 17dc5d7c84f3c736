import { describe, expect, it } from "vitest";
import {
  credentialEnv,
  formatCredentialProcess,
  formatCredentials,
  pythonIsoformat,
} from "../../src/credentials/format";

const creds = {
  accessKeyId: "ASIAEXAMPLE",
  secretAccessKey: "sec/ret+",
  sessionToken: "tok==",
  expiration: new Date("2026-11-22T03:16:02Z"),
  accountId: "111111111111",
};

describe("export-credentials formats (§9.3)", () => {
  it("process: Python indent=2, key order, +00:00, trailing newline, no AccountId", () => {
    expect(formatCredentials(creds, "process")).toBe(
      '{\n  "Version": 1,\n  "AccessKeyId": "ASIAEXAMPLE",\n  "SecretAccessKey": "sec/ret+",\n  "SessionToken": "tok==",\n  "Expiration": "2026-11-22T03:16:02+00:00"\n}\n',
    );
    expect(formatCredentials(creds, "json")).toBe(formatCredentials(creds, "process"));
  });
  it("env", () => {
    expect(formatCredentials(creds, "env")).toBe(
      "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=sec/ret+\nexport AWS_SESSION_TOKEN=tok==\nexport AWS_CREDENTIAL_EXPIRATION=2026-11-22T03:16:02+00:00\n",
    );
  });
  it("env-no-export, powershell, windows-cmd, fish", () => {
    expect(formatCredentials(creds, "env-no-export").split("\n")[0]).toBe("AWS_ACCESS_KEY_ID=ASIAEXAMPLE");
    expect(formatCredentials(creds, "powershell").split("\n")[2]).toBe('$Env:AWS_SESSION_TOKEN="tok=="');
    expect(formatCredentials(creds, "windows-cmd").split("\n")[1]).toBe("set AWS_SECRET_ACCESS_KEY=sec/ret+");
    expect(formatCredentials(creds, "fish").split("\n")[3]).toBe(
      'set -gx AWS_CREDENTIAL_EXPIRATION "2026-11-22T03:16:02+00:00"',
    );
  });
  it("omits token and expiration lines for static keys", () => {
    const s = { accessKeyId: "AKIA", secretAccessKey: "S" };
    expect(formatCredentials(s, "env")).toBe(
      "export AWS_ACCESS_KEY_ID=AKIA\nexport AWS_SECRET_ACCESS_KEY=S\n",
    );
    expect(formatCredentials(s, "process")).toBe(
      '{\n  "Version": 1,\n  "AccessKeyId": "AKIA",\n  "SecretAccessKey": "S"\n}\n',
    );
  });
  it("isoformat keeps microseconds when present", () => {
    expect(pythonIsoformat(new Date("2026-11-22T03:16:02.297Z"))).toBe("2026-11-22T03:16:02.297000+00:00");
  });
});

describe("credential_process JSON (§1.7)", () => {
  it("Version is the number 1, one line, Z expiration", () => {
    const text = formatCredentialProcess(creds);
    expect(text.endsWith("\n")).toBe(true);
    expect(text.trimEnd().includes("\n")).toBe(false);
    expect(JSON.parse(text)).toEqual({
      Version: 1,
      AccessKeyId: "ASIAEXAMPLE",
      SecretAccessKey: "sec/ret+",
      SessionToken: "tok==",
      Expiration: "2026-11-22T03:16:02Z",
      AccountId: "111111111111",
    });
  });
});

describe("exec environment", () => {
  it("sets the four variables and the region", () => {
    expect(credentialEnv(creds, "eu-north-1")).toEqual({
      AWS_ACCESS_KEY_ID: "ASIAEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "sec/ret+",
      AWS_SESSION_TOKEN: "tok==",
      AWS_CREDENTIAL_EXPIRATION: "2026-11-22T03:16:02+00:00",
      AWS_REGION: "eu-north-1",
      AWS_DEFAULT_REGION: "eu-north-1",
    });
  });
});
