/**
 * credential_process profiles: run without a shell, output narrowed as botocore does, failures with the
 * process's stderr, and the recursion guard (a profile whose credential_process is portico asking for
 * that same profile fails fast).
 */
import { chmod, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseProcessOutput } from "../../src/credentials/process";
import { resolveCredentials } from "../../src/credentials/resolve";
import { tempHome } from "../helpers/emulator";
import { rejection, writeConfig } from "./support";

const PORTICO = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "dist",
  "cli",
  "portico.mjs",
);

describe("parseProcessOutput", () => {
  it("accepts the §1.7 document", () => {
    expect(
      parseProcessOutput(
        '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2030-01-01T00:00:00+00:00", "AccountId": "111111111111"}',
        "p",
      ),
    ).toEqual({
      accessKeyId: "A",
      secretAccessKey: "S",
      sessionToken: "T",
      expiration: new Date("2030-01-01T00:00:00Z"),
      accountId: "111111111111",
    });
  });
  it.each([
    ["not JSON", "hello", "did not print JSON"],
    [
      "Version as a string",
      '{"Version": "1", "AccessKeyId": "A", "SecretAccessKey": "S"}',
      "only the number 1",
    ],
    ["no secret", '{"Version": 1, "AccessKeyId": "A"}', "no SecretAccessKey"],
    [
      "bad expiration",
      '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S", "Expiration": "soon"}',
      "Expiration",
    ],
  ])("refuses %s", (_n, text, words) => {
    expect(() => parseProcessOutput(text, "p")).toThrow(words);
  });
});

let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  home = await tempHome();
  env = { HOME: home.home, PATH: process.env["PATH"] };
  const ok = path.join(home.home, "ok creds.sh");
  await writeFile(
    ok,
    `#!/bin/sh\necho '{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "'"$1"'", "Expiration": "2030-01-01T00:00:00Z"}'\n`,
  );
  const bad = path.join(home.home, "bad.sh");
  await writeFile(bad, "#!/bin/sh\necho 'no credentials for you' >&2\nexit 3\n");
  await chmod(ok, 0o755);
  await chmod(bad, 0o755);
  await writeConfig(
    home.home,
    `[profile proc]
credential_process = "${ok}" "arg with spaces"

[profile failing]
credential_process = ${bad}

[profile missing]
credential_process = /nonexistent/helper

[profile self]
credential_process = ${process.execPath} ${PORTICO} credential-process --profile self
`,
  );
});

afterEach(async () => {
  await home.cleanup();
});

describe("credential_process profiles", () => {
  it("runs the command without a shell (quoted path and argument kept whole)", async () => {
    const r = await resolveCredentials({ env, now: () => new Date() }, { profile: "proc" });
    expect(r.source).toEqual({ kind: "process", profileName: "proc" });
    expect(r.credentials).toMatchObject({ accessKeyId: "AKIAPROC", secretAccessKey: "arg with spaces" });
  });

  it("a failing process: its stderr in the message (exit 6)", async () => {
    const e = await rejection(resolveCredentials({ env, now: () => new Date() }, { profile: "failing" }));
    expect(e.code).toBe("credential_process_failed");
    expect(e.message).toContain("no credentials for you");
    expect(e.hint).toContain("bad.sh");
  });

  it("a missing executable is named", async () => {
    const e = await rejection(resolveCredentials({ env, now: () => new Date() }, { profile: "missing" }));
    expect(e.message).toContain("/nonexistent/helper not found");
  });

  it("a profile whose credential_process is portico asking for itself fails fast (no fork loop)", async () => {
    const e = await rejection(resolveCredentials({ env, now: () => new Date() }, { profile: "self" }));
    expect(e.code).toBe("credential_process_failed");
    expect(e.message).toContain("credential_process loop: self -> self");
  });
});

describe("static keys vs credential_process (botocore's order)", () => {
  it("config-file keys lose to credential_process; credentials-file keys win", async () => {
    const { appendFile, mkdir } = await import("node:fs/promises");
    await appendFile(
      path.join(home.home, ".aws", "config"),
      `\n[profile mixed]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = c\ncredential_process = /bin/echo '{"Version":1,"AccessKeyId":"AKIAPROCESS","SecretAccessKey":"p"}'\n`,
    );
    const deps = { env, now: () => new Date() };
    expect((await resolveCredentials(deps, { profile: "mixed" })).credentials.accessKeyId).toBe(
      "AKIAPROCESS",
    );
    await mkdir(path.join(home.home, ".aws"), { recursive: true });
    await writeFile(
      path.join(home.home, ".aws", "credentials"),
      "[mixed]\naws_access_key_id = AKIACREDS\naws_secret_access_key = k\n",
    );
    expect((await resolveCredentials(deps, { profile: "mixed" })).credentials.accessKeyId).toBe("AKIACREDS");
  });
});
