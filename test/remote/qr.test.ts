/**
 * Remote sign-in help: the half-block QR code read back into modules and decoded by an independent
 * decoder (`qr/decode.js`, from camera-style RGBA pixels) must give the complete verification URL; the
 * CLI shows it only on a TTY without a browser and not with --no-qr (the no-QR runs sign in for real,
 * auto-approved; the QR run waits for an approval nobody gives, then times out); PKCE on --callback-port prints
 * the exact `ssh -L` line. Sign-in runs against the emulator (device code auto-approved).
 */
import { hostname, userInfo } from "node:os";
import encodeQR from "qr";
import decodeQR from "qr/decode.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { startEmulator } from "../../emulator/index";
import { run } from "../../src/cli/main";
import { qrModules, renderHalfBlocks } from "../../src/remote/qr";
import { demoConfig, testEnv, writeConfig } from "../credentials/support";
import { tempHome } from "../helpers/emulator";

/** Text lines back to modules: the inverse of the renderer (quiet zone included). */
function linesToModules(text: string, color: boolean): boolean[][] {
  const rows = text
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .filter((l) => /[█▀▄ ]/.test(l) && l.length > 10);
  const out: boolean[][] = [];
  for (const row of rows) {
    const top: boolean[] = [];
    const bottom: boolean[] = [];
    for (const ch of row) {
      const t = ch === "█" || ch === "▀";
      const b = ch === "█" || ch === "▄";
      top.push(color ? t : !t);
      bottom.push(color ? b : !b);
    }
    out.push(top, bottom);
  }
  return out;
}

/** Modules → an RGBA image, 6 pixels per module, dark = black. */
function toImage(m: boolean[][]): { width: number; height: number; data: Uint8Array } {
  const s = 6;
  const width = m[0]!.length * s;
  const height = m.length * s;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = m[Math.floor(y / s)]![Math.floor(x / s)] ? 0 : 255;
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  return { width, height, data };
}

describe("half-block QR", () => {
  const url = "https://device.sso.eu-north-1.amazonaws.com/?user_code=WXYZ-ABCD";
  it.each([true, false])("decodes back to the URL (colour %s)", (color) => {
    const text = renderHalfBlocks(qrModules(encodeQR, url), color);
    expect(decodeQR(toImage(linesToModules(text, color)))).toBe(url);
  });
  it("a wrong rendering does not decode to the URL (the check can fail)", () => {
    const m = qrModules(encodeQR, url);
    const broken = m.map((row, r) => row.map((v, c) => (r < 8 && c < 8 ? !v : v)));
    const text = renderHalfBlocks(broken, true);
    let got: string | undefined;
    try {
      got = decodeQR(toImage(linesToModules(text, true)));
    } catch {
      got = undefined;
    }
    expect(got).not.toBe(url);
  });
});

let emu: RunningEmulator;
let home: { home: string; cleanup(): Promise<void> };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emu = await startEmulator({ seed: "demo", autoApprove: "alice" });
  home = await tempHome();
  env = { ...testEnv(home.home, emu.url), SSH_CONNECTION: "10.0.0.2 50000 10.0.0.1 22" };
  delete env["DISPLAY"];
  await writeConfig(home.home, demoConfig());
});

afterAll(async () => {
  await emu?.stop();
  await home?.cleanup();
});

async function login(args: string[], tty: boolean): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const code = await run(["login", "--profile", "dev", ...args], {
    env,
    stdout: { write: () => true },
    stderr: Object.assign({ write: (s: string) => (stderr += s) }, tty ? { isTTY: true } : {}),
    interactive: false,
    color: false,
    debug: false,
    now: () => new Date(),
    nonInteractive: true,
  });
  return { code, stderr };
}

describe("login over SSH", () => {
  it("on a TTY: a QR code of the complete verification URL", async () => {
    // Nobody approves (no auto-approval on this emulator): the prompt is shown, then the time-out.
    const manual = await startEmulator({ seed: "demo" });
    const saved = env;
    env = { ...env, AWS_ENDPOINT_URL: manual.url };
    let r: { code: number; stderr: string };
    try {
      r = await login(["--device-code", "--no-browser", "--timeout", "1"], true);
    } finally {
      env = saved;
      await manual.stop();
    }
    expect(r.code, JSON.stringify(r.stderr)).toBe(7);
    const complete = /autofill the code upon loading:\n(\S+)/.exec(r.stderr)![1]!;
    expect(
      decodeQR(toImage(linesToModules(r.stderr.slice(r.stderr.indexOf(complete) + complete.length), false))),
    ).toBe(complete);
  });
  it("--no-qr, or no TTY: no QR code", async () => {
    for (const [args, tty] of [
      [["--device-code", "--no-browser", "--no-qr"], true],
      [["--device-code", "--no-browser"], false],
    ] as const) {
      const r = await login([...args], tty);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/[█▀▄]/);
    }
  });
  it("PKCE on --callback-port: the exact ssh -L line", async () => {
    const r = await login(["--no-browser", "--callback-port", "38521", "--timeout", "1"], true);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain(`ssh -L 38521:127.0.0.1:38521 ${userInfo().username}@${hostname()}`);
  });
});
