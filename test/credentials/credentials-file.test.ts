/** The credentials-file writer: pure block placement, and the file handling (refusals leave the file alone). */
import { readFile, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/botocore";
import { applyCredentialsSection, writeCredentialsSection } from "../../src/credentials/credentials-file";
import { isPorticoError } from "../../src/errors";
import { tempHome } from "../helpers/emulator";

const creds = {
  accessKeyId: "ASIAONE",
  secretAccessKey: "sec/ret+",
  sessionToken: "tok==",
  expiration: new Date("2026-11-22T04:16:02Z"),
};
const now = new Date("2026-11-22T03:16:02Z");

describe("applyCredentialsSection (pure)", () => {
  it("appends a managed block that botocore reads as the keys", () => {
    const out = applyCredentialsSection("[other]\naws_access_key_id = A\n", "dev", creds, now);
    expect(out.startsWith("[other]\naws_access_key_id = A\n")).toBe(true);
    expect(out).toContain("# expires 2026-11-22T04:16:02Z");
    const raw = parseConfigText(out).raw.get("dev")!;
    expect(Object.fromEntries(raw)).toEqual({
      aws_access_key_id: "ASIAONE",
      aws_secret_access_key: "sec/ret+",
      aws_session_token: "tok==",
    });
  });
  it("replaces its own block on a re-run, keeping what surrounds it", () => {
    const once = applyCredentialsSection("# top\n", "dev", creds, now);
    const twice = applyCredentialsSection(
      `${once}[after]\nx = 1\n`,
      "dev",
      { ...creds, accessKeyId: "ASIATWO" },
      now,
    );
    expect(twice.match(/\[dev\]/g)).toHaveLength(1);
    expect(twice).toContain("aws_access_key_id = ASIATWO");
    expect(twice).not.toContain("ASIAONE");
    expect(twice.startsWith("# top\n")).toBe(true);
    expect(twice).toContain("[after]\nx = 1\n");
  });
  it("keeps CRLF line endings", () => {
    const out = applyCredentialsSection("[other]\r\nk = v\r\n", "dev", creds, now);
    expect(out.replace(/\r\n/g, "")).not.toContain("\n");
  });
  it("refuses a section it did not write", () => {
    expect(() => applyCredentialsSection("[dev]\naws_access_key_id = MINE\n", "dev", creds, now)).toThrow(
      /did not write/,
    );
  });
});

describe("writeCredentialsSection (file)", () => {
  let home: { home: string; cleanup(): Promise<void> };
  let file: string;
  beforeEach(async () => {
    home = await tempHome();
    file = path.join(home.home, ".aws", "credentials");
  });
  afterEach(async () => {
    await home.cleanup();
  });

  it("creates the file 0600 when missing", async () => {
    const r = await writeCredentialsSection({ env: { HOME: home.home }, now: () => now }, "dev", creds);
    expect(r.changed).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("tightens a group/world-readable credentials file to 0600", async () => {
    const { mkdir, chmod } = await import("node:fs/promises");
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, "[other]\naws_access_key_id = A\n");
    await chmod(file, 0o644);
    const r = await writeCredentialsSection({ env: { HOME: home.home } }, "dev", creds);
    expect(r.tightenedFrom).toBe(0o644);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("a file botocore refuses is left untouched (exit 3)", async () => {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.dirname(file), { recursive: true });
    const bad = "aws_access_key_id = before-any-section\n";
    await writeFile(file, bad);
    let err: unknown;
    try {
      await writeCredentialsSection({ env: { HOME: home.home } }, "dev", creds);
    } catch (e) {
      err = e;
    }
    expect(isPorticoError(err) && err.exitCode).toBe(3);
    expect(await readFile(file, "utf8")).toBe(bad);
  });

  it.each(["a b", "[x]", "", "x=y", "__proto__"])("rejects the section name %j (usage)", async (name) => {
    await expect(writeCredentialsSection({ env: { HOME: home.home } }, name, creds)).rejects.toMatchObject({
      exitCode: 2,
    });
  });
});
