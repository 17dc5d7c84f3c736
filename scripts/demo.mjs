#!/usr/bin/env node
// `npm run demo`: the main job end to end on the embedded emulator, with the real `portico` commands.
// Everything happens in a temporary HOME (never your ~/.aws), which is removed at the end.
// Steps: start the emulator (demo org, auto-approving alice) → configure an sso-session → login (device
// code, approved by the emulator) → configure a profile by flags → accounts → whoami → credentials --format env
// (secrets masked) → sync every account × role → profiles → use --print-env → status → exec `aws sts get-caller-identity` if an AWS
// CLI v2 is installed. Prints each command and its output; exits non-zero if any step fails.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const portico = path.join(root, "dist", "cli", "portico.mjs");
if (!existsSync(portico)) {
  console.error("demo: dist/cli/portico.mjs is missing; run `npm run build` first (npm run demo does).");
  process.exit(1);
}

const color = process.stdout.isTTY && process.env.NO_COLOR === undefined;
const bold = (s) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (color ? `\x1b[2m${s}\x1b[0m` : s);

const home = mkdtempSync(path.join(tmpdir(), "portico-demo-"));
chmodSync(home, 0o700);

// A clean environment: the user's AWS settings must not leak into the demo (nor the demo into them).
const env = {
  ...process.env,
  HOME: home,
  USERPROFILE: home,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};
for (const k of Object.keys(env)) {
  if (/^AWS_/.test(k) && k !== "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED") delete env[k];
}
env.NO_COLOR = "1";

const secretPattern =
  /^((?:export |set |\$Env:|set -gx )?AWS_(?:SECRET_ACCESS_KEY|SESSION_TOKEN)[= ]"?)([^"\n]+)/gm;
const mask = (text) =>
  text
    .replace(
      secretPattern,
      (_m, head, value) => `${head}${value.slice(0, 4)}…(${value.length} chars, masked)`,
    )
    .replace(
      /("(?:SecretAccessKey|SessionToken)": ")([^"]+)/g,
      (_m, head, v) => `${head}${v.slice(0, 4)}…(masked)`,
    );

let emulator;
let failed = false;

function runStep(title, args, { command = process.execPath, prefix = [portico], secret = false } = {}) {
  const shown = command === process.execPath ? `portico ${args.join(" ")}` : `${command} ${args.join(" ")}`;
  console.log(`\n${bold(`## ${title}`)}\n${dim("$")} ${shown}`);
  return new Promise((resolve) => {
    const child = spawn(command, [...prefix, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      const text = secret ? mask(out) : out;
      if (text) process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      if (err) process.stdout.write(dim(err.endsWith("\n") ? err : `${err}\n`));
      if (code !== 0) {
        console.log(`demo: step failed (exit ${code}): ${shown}`);
        failed = true;
      }
      resolve(code === 0);
    });
  });
}

function startEmulator() {
  console.log(`${bold("## Start the emulator (demo org, auto-approving alice)")}`);
  const args = ["emulator", "start", "--port", "0", "--seed", "demo", "--auto-approve", "alice"];
  console.log(`${dim("$")} portico ${args.join(" ")} &`);
  const child = spawn(process.execPath, [portico, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`emulator did not print its URL in 20 s\n${stderr}`)),
      20_000,
    );
    const rl = createInterface({ input: child.stdout });
    rl.once("line", (line) => {
      clearTimeout(timer);
      const url = line.trim();
      if (!/^https?:\/\/127\.0\.0\.1:\d+/.test(url)) {
        reject(new Error(`unexpected first line from the emulator: ${url}`));
        return;
      }
      console.log(url);
      resolve({ child, url });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code}) before printing its URL\n${stderr}`));
    });
  });
}

async function stopEmulator() {
  if (!emulator || emulator.child.exitCode !== null) return;
  const done = new Promise((r) => emulator.child.once("exit", r));
  emulator.child.kill("SIGTERM");
  const timer = setTimeout(() => emulator.child.kill("SIGKILL"), 5_000);
  await done;
  clearTimeout(timer);
}

async function main() {
  console.log(`${bold("portico demo")} ${dim(`(temporary HOME ${home})`)}\n`);
  emulator = await startEmulator();
  env.AWS_ENDPOINT_URL = emulator.url;
  const startUrl = "https://d-0000000000.awsapps.com/start";
  const steps = [
    [
      "Configure an SSO session",
      [
        "configure",
        "sso-session",
        "acme",
        "--start-url",
        startUrl,
        "--sso-region",
        "eu-north-1",
        "--scopes",
        "sso:account:access",
        "--non-interactive",
      ],
    ],
    [
      "Sign in (device code; the emulator approves alice by itself)",
      ["login", "--sso-session", "acme", "--device-code", "--no-browser"],
    ],
    [
      "Configure a profile on it",
      [
        "configure",
        "sso",
        "--profile",
        "dev",
        "--sso-session",
        "acme",
        "--account",
        "333333333333",
        "--role",
        "PowerUserAccess",
        "--region",
        "eu-north-1",
        "--output",
        "json",
        "--non-interactive",
      ],
    ],
    ["Accounts and roles you can use", ["accounts", "--profile", "dev"]],
    ["Who am I?", ["whoami", "--profile", "dev"]],
    [
      "Credentials for your shell (secrets masked here)",
      ["credentials", "--profile", "dev", "--format", "env"],
      { secret: true },
    ],
    [
      "Every account and role you can reach, as profiles every AWS tool reads",
      ["sync", "--sso-session", "acme", "--yes"],
    ],
    ["The profiles now in ~/.aws/config", ["profiles"]],
    [
      "Switch this terminal (what `pc dev` evaluates; `portico shell-init bash` defines pc)",
      ["use", "dev", "--print-env", "--shell", "bash"],
    ],
    ["What is live: sessions and cached credentials", ["status"]],
  ];
  for (const [title, args, opts] of steps) {
    if (!(await runStep(title, args, opts))) return;
  }
  if (existsSync("/usr/bin/aws")) {
    await runStep("Hand the credentials to the AWS CLI", [
      "exec",
      "--profile",
      "dev",
      "--",
      "/usr/bin/aws",
      "sts",
      "get-caller-identity",
      "--endpoint-url",
      emulator.url,
    ]);
  } else {
    console.log(
      `\n${dim("(no AWS CLI v2 at /usr/bin/aws: skipping `portico exec -- aws sts get-caller-identity`)")}`,
    );
  }
}

let exitCode = 0;
try {
  await main();
  if (failed) exitCode = 1;
} catch (e) {
  console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
  exitCode = 1;
} finally {
  await stopEmulator().catch(() => {});
  rmSync(home, { recursive: true, force: true });
}
console.log(
  `\n${exitCode === 0 ? bold("demo: all steps passed") : "demo: FAILED"} ${dim("(temporary HOME removed)")}`,
);
process.exit(exitCode);
