/**
 * The error contract, command by command, as a user meets it: one `portico:` line, one `hint:` line
 * naming the next command, the exit code of docs/errors.md, nothing on stdout, no stack trace, and no
 * secret (access token, refresh token, client secret) anywhere. Real emulator over HTTP; the CLI runs
 * in-process with its own HOME.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { demoConfig, deviceSignIn, testEnv, writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";
import { runCli } from "./support";

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;
let secrets: string[] = [];

const EXTRA = `
[profile incomplete]
sso_session = acme
sso_account_id = 111111111111

[profile nosession]
sso_session = missing
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
`;

const cacheDir = () => path.join(home.home, ".aws", "sso", "cache");

async function tokenFile(): Promise<string> {
  for (const f of await readdir(cacheDir())) {
    const p = path.join(cacheDir(), f);
    if ((await readFile(p, "utf8")).includes('"accessToken"')) return p;
  }
  throw new Error("no token file");
}

async function signIn(): Promise<void> {
  const t = await deviceSignIn(env, "acme");
  const doc = JSON.parse(await readFile(await tokenFile(), "utf8"));
  secrets = [t.accessToken, t.refreshToken ?? "", doc.clientSecret ?? ""].filter((s) => s.length > 8);
}

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = testEnv(home.home, emu.url);
});
afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});
beforeEach(async () => {
  await writeConfig(home.home, demoConfig(EXTRA));
});

function expectContract(
  r: { code: number; stdout: string; stderr: string },
  code: number,
  hint: string | RegExp,
) {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(
    lines.filter((l) => l.startsWith("portico: ")),
    r.stderr,
  ).toHaveLength(1);
  const hints = lines.filter((l) => l.startsWith("hint: "));
  expect(hints, r.stderr).toHaveLength(1);
  if (typeof hint === "string") expect(hints[0]).toContain(hint);
  else expect(hints[0]).toMatch(hint);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  for (const s of secrets) expect(r.stderr).not.toContain(s);
}

describe("configuration problems: exit 3", () => {
  it.each([
    [["whoami", "--profile", "nope"], "portico configure sso --profile nope"],
    [["credential-process", "--profile", "incomplete"], "portico configure sso --profile incomplete"],
    [["accounts", "--profile", "nosession"], "portico configure sso-session missing"],
    [["login", "--profile", "nosession", "--device-code"], "portico configure sso-session missing"],
  ])("%j", async (args, hint) => {
    expectContract(await runCli(args, env), 3, hint);
  });

  it("a config file botocore refuses: FILE:LINE in the message, lint in the hint, file untouched", async () => {
    const text = `${demoConfig()}garbage line\n`;
    await writeConfig(home.home, text);
    const r = await runCli(["whoami", "--profile", "dev"], env);
    expectContract(r, 3, "portico config lint");
    expect(r.stderr).toMatch(/config:\d+: /);
    expect(await readFile(path.join(home.home, ".aws", "config"), "utf8")).toBe(text);
  });
});

describe("sign-in needed: exit 4 and the exact login command", () => {
  it("never signed in", async () => {
    expectContract(await runCli(["whoami", "--profile", "dev"], env), 4, "portico login --profile dev");
  });

  it("a torn token file is kept and treated as signed out", async () => {
    await signIn();
    const file = await tokenFile();
    const torn = (await readFile(file, "utf8")).slice(0, 60);
    await writeFile(file, torn);
    expectContract(
      await runCli(["credential-process", "--profile", "dev"], env),
      4,
      "portico login --profile dev",
    );
    expect(await readFile(file, "utf8")).toBe(torn);
  });

  it("an expired token that cannot be refreshed", async () => {
    await signIn();
    const file = await tokenFile();
    const doc = JSON.parse(await readFile(file, "utf8"));
    doc.expiresAt = "2020-01-01T00:00:00Z";
    delete doc.refreshToken;
    await writeFile(file, JSON.stringify(doc));
    expectContract(await runCli(["accounts", "--profile", "admin"], env), 4, "portico login --profile admin");
  });

  it("login in a non-interactive run without --device-code", async () => {
    expectContract(
      await runCli(["login", "--sso-session", "acme"], env),
      4,
      "portico login --sso-session acme --device-code --no-browser",
    );
  });
});

describe("signed in", () => {
  beforeAll(async () => {
    await writeConfig(home.home, demoConfig(EXTRA));
    await signIn();
  });

  it("a role not assigned to you: exit 5, accounts in the hint", async () => {
    expectContract(
      await runCli(["whoami", "--profile", "forbidden"], env),
      5,
      "portico accounts --profile forbidden",
    );
  });

  it("the service unreachable: exit 6", async () => {
    const r = await runCli(["credential-process", "--profile", "admin"], {
      ...env,
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    });
    expectContract(r, 6, /AWS_ENDPOINT_URL/);
  });

  it("--debug adds the stack trace, and still no secret", async () => {
    const r = await runCli(["--debug", "whoami", "--profile", "forbidden"], env);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^\s+at /m);
    for (const s of secrets) expect(r.stderr).not.toContain(s);
  });
});
