/**
 * The real executable (src/cli/bin.ts under tsx) in child processes: Ctrl-C in the middle of a login
 * leaves nothing written (exit 130); PKCE in an interactive-looking run is not possible without a TTY,
 * so the BROWSER-driven PKCE journey is covered in-process (login.test.ts) and here through
 * `--no-browser --callback-port` (SSH style: the user opens the URL elsewhere).
 */
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempHome, withEmulator } from "../helpers/emulator";
import { writeConfig } from "./support";

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
});
afterEach(async () => {
  await cleanup();
});

const BIN = path.join(process.cwd(), "src", "cli", "bin.ts");

function startPortico(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ["--import", "tsx", BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  const done = new Promise<number>((resolve) =>
    child.on("close", (code, sig) => resolve(code ?? (sig ? 128 : 1))),
  );
  const waitFor = async (re: RegExp, ms = 30_000) => {
    const end = Date.now() + ms;
    while (!re.test(stderr)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return re.exec(stderr)!;
  };
  return { child, done, waitFor, out: () => ({ stdout, stderr }) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const config = (url: string, region: string) =>
  `[sso-session my-sso]\nsso_start_url = ${url}\nsso_region = ${region}\nsso_registration_scopes = sso:account:access\n`;

describe("portico login as a process", () => {
  it("Ctrl-C while waiting → exit 130, no token written", async () => {
    await withEmulator({ seed: "demo" }, async (emu) => {
      await writeConfig(home, config(emu.startUrl, emu.region));
      const p = startPortico(["login", "--sso-session", "my-sso", "--device-code", "--no-browser"], {
        HOME: home,
        AWS_ENDPOINT_URL: emu.url,
      });
      await p.waitFor(/enter the code/);
      p.child.kill("SIGINT");
      expect(await p.done).toBe(130);
      expect(p.out().stderr).toContain("cancelled");
      const files = await fs.readdir(path.join(home, ".aws", "sso", "cache")).catch(() => [] as string[]);
      expect(files.filter((f) => f === "0ad374308c5a4e22f723adf10145eafad7c4031c.json")).toEqual([]);
      expect(files.filter((f) => f.endsWith(".tmp") || f.endsWith(".lock"))).toEqual([]);
    });
  }, 60_000);

  it("--no-browser --callback-port: PKCE with the URL printed; the user's browser elsewhere completes it", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      await writeConfig(home, config(emu.startUrl, emu.region));
      const port = await freePort();
      const p = startPortico(
        ["login", "--sso-session", "my-sso", "--no-browser", "--callback-port", String(port), "--json"],
        { HOME: home, AWS_ENDPOINT_URL: emu.url },
      );
      const m = await p.waitFor(/(http:\/\/\S+\/authorize\?\S+)/);
      expect(new URL(m[1]!).searchParams.get("redirect_uri")).toBe(`http://127.0.0.1:${port}/oauth/callback`);
      const page = await fetch(m[1]!); // follows the 302 to portico's loopback callback
      expect(page.status).toBe(200);
      expect(await p.done).toBe(0);
      expect(JSON.parse(p.out().stdout)).toMatchObject({ flow: "pkce", refreshable: true });
    });
  }, 60_000);

  it("callback port in use → actionable message, exit 2", async () => {
    await withEmulator({ seed: "demo", autoApprove: "alice" }, async (emu) => {
      await writeConfig(home, config(emu.startUrl, emu.region));
      const blocker = net.createServer().listen(0, "127.0.0.1");
      await new Promise((r) => blocker.once("listening", r));
      const port = (blocker.address() as net.AddressInfo).port;
      try {
        const p = startPortico(
          ["login", "--sso-session", "my-sso", "--no-browser", "--callback-port", String(port)],
          {
            HOME: home,
            AWS_ENDPOINT_URL: emu.url,
          },
        );
        expect(await p.done).toBe(2);
        expect(p.out().stderr).toContain(`Cannot listen on 127.0.0.1:${port}`);
        expect(p.out().stderr).toContain("--callback-port");
      } finally {
        blocker.close();
      }
    });
  }, 60_000);
});
