/**
 * `portico doctor --verify` against the real emulator over HTTP: the OIDC endpoint, the start URL's
 * region (the guides' wrong-region invalid_grant, detected before sign-in, and --fix), clock skew from
 * the Date header, and sts get-caller-identity with the selected profile's role credentials.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index";
import { runDoctor } from "../../src/doctor/index";
import { runCli } from "../cli/support";
import { demoConfig, deviceSignIn, testEnv, writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";
import { type DoctorJson, find } from "./support";

let emu: RunningEmulator;
/** The demo sso-session and one profile (no legacy profile: one session to verify). */
const BASE = `${demoConfig().split("\n[profile admin]")[0]}\n`;
const homes: { home: string; cleanup(): Promise<void> }[] = [];

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
});
afterAll(async () => {
  await emu?.stop();
  for (const h of homes) await h.cleanup();
});

async function setup(config: string, endpoint = emu.url) {
  const h = await tempHome();
  homes.push(h);
  await writeConfig(h.home, config);
  // PATH without aws/python3: the tools checks are covered elsewhere, and stay out of the way here.
  const env = { ...testEnv(h.home, endpoint), PATH: path.join(h.home, "bin") };
  return { home: h.home, env };
}

async function doctor(args: string[], env: NodeJS.ProcessEnv) {
  const r = await runCli(["doctor", "--json", ...args], env);
  return { ...r, json: JSON.parse(r.stdout) as DoctorJson[] };
}

describe("doctor --verify: a working setup", () => {
  it("endpoint answers, start URL in its region, clock ok, identity with account, role and permission set", async () => {
    const { env } = await setup(BASE);
    await deviceSignIn(env, "acme");
    const r = await doctor(["--verify", "--profile", "dev"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(find(r.json, "verify.oidc_endpoint", "ok")).toHaveLength(1);
    expect(find(r.json, "verify.start_url_region", "ok")[0]!.message).toContain("belongs to eu-north-1");
    expect(find(r.json, "verify.clock_skew", "ok")).toHaveLength(1);
    const id = find(r.json, "verify.identity", "ok")[0]!;
    expect(id.message).toMatch(/account 333333333333, permission set PowerUserAccess, user alice/);
    expect(id.evidence[0]).toMatch(
      /^arn: arn:aws:sts::333333333333:assumed-role\/AWSReservedSSO_PowerUserAccess_[0-9a-f]{16}\/alice$/,
    );
  });

  it("not signed in: identity is a warning naming the login command", async () => {
    const { env } = await setup(BASE);
    const r = await doctor(["--verify", "--profile", "dev"], env);
    const id = find(r.json, "verify.identity", "warning")[0]!;
    expect(id.fix).toContain("portico login");
  });

  it("an endpoint that does not answer: verify.oidc_endpoint problem", async () => {
    const { env } = await setup(BASE, "http://127.0.0.1:1");
    const r = await doctor(["--verify"], env);
    expect(r.code).toBe(1);
    expect(find(r.json, "verify.oidc_endpoint", "problem")).toHaveLength(1);
  });

  it("clock skew beyond 5 minutes against the service's Date header", async () => {
    const { env } = await setup(BASE);
    const { findings } = await runDoctor({
      env,
      now: () => new Date(Date.now() + 11 * 60_000),
      verify: true,
    });
    const skew = findings.filter((f) => f.id === "verify.clock_skew");
    expect(skew[0]!.status).toBe("problem");
    expect(skew[0]!.evidence[0]).toMatch(/-6\d\d s$/);
  });
});

describe("doctor --verify: the wrong sso_region (the guides' invalid_grant)", () => {
  it("detected before anyone signs in; the right region found; --fix rewrites sso_region", async () => {
    const wrong = BASE.replace("sso_region = eu-north-1", "sso_region = eu-west-1");
    // As AWS would be reached for sso_region = eu-west-1: that region's endpoint (docs/emulator.md).
    const { home, env } = await setup(wrong, `${emu.url}/region/eu-west-1`);
    const r = await doctor(["--verify"], env);
    expect(r.code).toBe(1);
    const p = find(r.json, "verify.start_url_region", "problem")[0]!;
    expect(p.message).toContain("does not belong to sso_region eu-west-1");
    expect(p.evidence.join("\n")).toContain("the start URL answers in eu-north-1");
    expect(p.fix).toBe("portico doctor --fix sets sso_region = eu-north-1 in [sso-session acme]");
    expect(p.fixable).toBe(true);
    const fixed = await runCli(["doctor", "--verify", "--fix", "--yes"], env);
    expect(fixed.stderr).toContain("-sso_region = eu-west-1\n+sso_region = eu-north-1");
    const text = await fs.readFile(path.join(home, ".aws/config"), "utf8");
    expect(text).toBe(BASE);
    // With the region fixed, the client addresses eu-north-1's endpoint: clean.
    const again = await doctor(["--verify"], { ...env, AWS_ENDPOINT_URL: `${emu.url}/region/eu-north-1` });
    expect(find(again.json, "verify.start_url_region", "ok")).toHaveLength(1);
    expect(again.code, again.stdout).toBe(0);
  });
});
