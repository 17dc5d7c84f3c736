/**
 * Files holding tokens, client secrets or role credentials are 0600 after portico writes them —
 * also when an earlier writer (another tool, a restored backup, a umask 022 shell) left them wider.
 * Real files in a temp HOME; modes read back with stat.
 */
import { chmod, mkdir, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeCachedRoleCredentials } from "../../src/credentials/cache";
import { writeFileAtomic } from "../../src/platform/files";
import { writeRegistration, writeToken } from "../../src/sso/cache";
import { tempHome } from "../helpers/emulator";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
});
afterEach(async () => {
  await cleanup();
});

async function wide(file: string, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, "{}");
  await chmod(file, mode);
}
const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe("secret files are 0600 after a write", () => {
  it("SSO token cache file", async () => {
    const dir = path.join(home, ".aws", "sso", "cache");
    const session = { cacheKey: "acme" };
    await writeToken(dir, session, {
      startUrl: "https://d-0000000000.awsapps.com/start",
      region: "eu-north-1",
      accessToken: "a",
      expiresAt: new Date(),
    });
    const { tokenFilePath } = await import("../../src/sso/cache");
    const file = tokenFilePath(dir, session);
    await chmod(file, 0o644);
    await writeToken(dir, session, {
      startUrl: "https://d-0000000000.awsapps.com/start",
      region: "eu-north-1",
      accessToken: "b",
      expiresAt: new Date(),
    });
    expect(await modeOf(file)).toBe(0o600);
  });

  it("client registration file", async () => {
    const file = path.join(home, ".aws", "sso", "cache", "reg.json");
    await wide(file, 0o664);
    await writeRegistration(file, { clientId: "c", clientSecret: "s", expiresAt: new Date() });
    expect(await modeOf(file)).toBe(0o600);
  });

  it("role credentials cache file", async () => {
    const file = path.join(home, ".aws", "cli", "cache", "x.json");
    await wide(file);
    await writeCachedRoleCredentials(file, {
      accessKeyId: "ASIA",
      secretAccessKey: "s",
      sessionToken: "t",
      expiration: new Date(),
    });
    expect(await modeOf(file)).toBe(0o600);
  });

  it("other files keep their mode (the config file is the user's to set)", async () => {
    const file = path.join(home, ".aws", "config");
    await wide(file);
    await writeFileAtomic(file, "[default]\n", { mode: 0o600 });
    expect(await modeOf(file)).toBe(0o644);
  });
});
