/**
 * The one profile classifier (src/config/describe.ts `profileProvider`) against botocore's own
 * credential resolver: for generated profiles — each key absent, empty or set, static keys in either
 * file — the provider portico picks is the provider botocore's resolver stops at
 * (test/helpers/botocore_oracle.py `provider`: create_credential_resolver's profile providers, load()
 * in order, no network). Plus the empty-value edge cases by name.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyFileTest, profileProvider } from "../../src/config/describe";
import { loadAwsConfig } from "../../src/config/load";
import { type BotocoreOracle, startBotocore } from "../helpers/botocore";

const LONG = process.env["PORTICO_LONG"] === "1";
let oracle: BotocoreOracle;
let dir: string;
let n = 0;

beforeAll(async () => {
  oracle = startBotocore();
  dir = await mkdtemp(path.join(tmpdir(), "portico-providers-"));
});
afterAll(async () => {
  await oracle.close();
  await rm(dir, { recursive: true, force: true });
});

/** Values that exercise each provider's test; `false` as the process so botocore's load() runs nothing harmful. */
const CONFIG_KEYS: Record<string, string> = {
  role_arn: "arn:aws:iam::123456789012:role/R",
  web_identity_token_file: "/nonexistent/token",
  source_profile: "src",
  role_session_name: "s",
  sso_account_id: "123456789012",
  sso_role_name: "Admin",
  sso_session: "corp",
  sso_start_url: "https://d-0000000000.awsapps.com/start",
  sso_region: "eu-west-1",
  login_session: "arn:aws:iam::123456789012:user/me",
  credential_process: "false",
  aws_access_key_id: "AKIAEXAMPLE",
  aws_secret_access_key: "secret",
  region: "eu-west-1",
};
const CREDENTIALS_KEYS = ["aws_access_key_id", "aws_secret_access_key", "role_arn", "credential_process"];

/** absent, empty (`key =`), or set. */
const presence = fc.constantFrom<"absent" | "empty" | "set">("absent", "absent", "absent", "empty", "set");

const profileArb = fc.record({
  config: fc.record(Object.fromEntries(Object.keys(CONFIG_KEYS).map((k) => [k, presence]))),
  credentials: fc.record(Object.fromEntries(CREDENTIALS_KEYS.map((k) => [k, presence]))),
  inConfig: fc.boolean(),
  inCredentials: fc.boolean(),
});

type Case = typeof profileArb extends fc.Arbitrary<infer T> ? T : never;

function lines(keys: Record<string, string>, values: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [k, p] of Object.entries(keys))
    if (p === "empty") out.push(`${k} =`);
    else if (p === "set") out.push(`${k} = ${values[k] ?? "x"}`);
  return out;
}

function render(c: Case): { config: string; credentials: string } {
  const config = [
    "[profile src]",
    "aws_access_key_id = AKIASOURCE",
    "aws_secret_access_key = s",
    "[sso-session corp]",
    "sso_start_url = https://d-0000000000.awsapps.com/start",
    "sso_region = eu-west-1",
    ...(c.inConfig ? ["[profile p]", ...lines(c.config, CONFIG_KEYS)] : []),
    "",
  ].join("\n");
  const credentials = c.inCredentials ? ["[p]", ...lines(c.credentials, CONFIG_KEYS), ""].join("\n") : "";
  return { config, credentials };
}

async function compare(c: Case): Promise<void> {
  const files = render(c);
  const config = path.join(dir, `config${n}`);
  const credentials = path.join(dir, `credentials${n++}`);
  await writeFile(config, files.config);
  await writeFile(credentials, files.credentials);
  const theirs = await oracle.provider(config, credentials, "p");
  const cfg = await loadAwsConfig({
    HOME: dir,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
  });
  const section = cfg.profiles.get("p");
  if (!theirs.ok) {
    // A profile in neither file: botocore's ProfileNotFound, portico's profile_not_found.
    expect([theirs.error, section]).toEqual(["ProfileNotFound", undefined]);
    return;
  }
  const mine = section
    ? profileProvider(section.values, keyFileTest(section, cfg.paths.credentialsFile))
    : "none";
  expect(
    mine,
    `config:\n${files.config}\ncredentials:\n${files.credentials}\nbotocore: ${JSON.stringify(theirs)}`,
  ).toBe(theirs.method ?? "none");
}

describe("profileProvider ≡ botocore's credential resolver", () => {
  it(
    `${LONG ? 3000 : 150} generated profiles`,
    async () => {
      await fc.assert(fc.asyncProperty(profileArb, compare), { numRuns: LONG ? 3000 : 150 });
    },
    LONG ? 900_000 : undefined,
  );

  type P = "absent" | "empty" | "set";
  const none = (keys: Record<string, P>): Record<string, P> => ({
    ...Object.fromEntries(Object.keys(CONFIG_KEYS).map((k) => [k, "absent" as P])),
    ...keys,
  });
  const noCreds: Record<string, P> = Object.fromEntries(CREDENTIALS_KEYS.map((k) => [k, "absent" as P]));
  it.each([
    [
      "role_arn + web_identity_token_file is web identity, not assume-role",
      { role_arn: "set", web_identity_token_file: "set" },
    ],
    [
      "an empty web_identity_token_file still stops assume-role, and is not web identity",
      { role_arn: "set", web_identity_token_file: "empty", credential_process: "set" },
    ],
    ["an empty role_arn is still assume-role", { role_arn: "empty", sso_account_id: "set" }],
    ["an empty sso_role_name is still SSO", { sso_role_name: "empty", credential_process: "set" }],
    [
      "an empty credential_process is still the process provider",
      { credential_process: "empty", aws_access_key_id: "set" },
    ],
    ["login_session comes before credential_process", { login_session: "set", credential_process: "set" }],
  ] as const)("%s", async (_name, keys) => {
    await compare({ config: none(keys), credentials: noCreds, inConfig: true, inCredentials: false });
  });
  it("credentials-file keys come before credential_process, config-file keys after it", async () => {
    const base = none({ credential_process: "set", aws_access_key_id: "set", aws_secret_access_key: "set" });
    await compare({ config: base, credentials: noCreds, inConfig: true, inCredentials: false });
    await compare({
      config: base,
      credentials: { ...noCreds, aws_access_key_id: "set", aws_secret_access_key: "set" },
      inConfig: true,
      inCredentials: true,
    });
  });
});
