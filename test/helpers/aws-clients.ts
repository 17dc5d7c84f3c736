/**
 * Running the real AWS clients against the emulator (environment.md "Pointing real clients"):
 * boto3/botocore 1.43 and SDK JS v3 follow AWS_ENDPOINT_URL; AWS CLI v2.9.19 predates it and instead
 * loads endpoint rule sets from AWS_DATA_PATH before its bundled ones, so we generate one per service
 * that keeps the bundled `version`/`parameters` and routes every call to the emulator.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";

/** Bundled botocore data of the Debian awscli package (AWS CLI v2.9.19). */
export const AWS_CLI_DATA = "/usr/lib/python3/dist-packages/awscli/botocore/data";
export const AWS_CLI = "/usr/bin/aws";

/** Services the CLI talks to in SSO flows (plus the admin APIs), as <name>/<api version>. */
const SERVICES = [
  "sso-oidc/2019-06-10",
  "sso/2019-06-10",
  "sts/2011-06-15",
  "identitystore/2020-06-15",
  "sso-admin/2020-07-20",
];

/**
 * Write `<dir>/<service>/<version>/endpoint-rule-set-1.json` for each service: "if Endpoint is set,
 * use it", else the emulator. Parameters are copied from the bundled rule set so the CLI's builtins bind.
 */
export async function writeEndpointRuleSets(dir: string, emulatorUrl: string): Promise<void> {
  for (const svc of SERVICES) {
    let bundled: { version?: string; parameters?: Record<string, unknown> } = {};
    try {
      bundled = JSON.parse(await readFile(path.join(AWS_CLI_DATA, svc, "endpoint-rule-set-1.json"), "utf8"));
    } catch {
      // Not installed (or a service the old CLI lacks): a minimal parameter set still works.
      bundled = {
        version: "1.0",
        parameters: {
          Region: { builtIn: "AWS::Region", required: false, documentation: "", type: "String" },
          UseDualStack: {
            builtIn: "AWS::UseDualStack",
            required: true,
            default: false,
            documentation: "",
            type: "Boolean",
          },
          UseFIPS: {
            builtIn: "AWS::UseFIPS",
            required: true,
            default: false,
            documentation: "",
            type: "Boolean",
          },
          Endpoint: { builtIn: "SDK::Endpoint", required: false, documentation: "", type: "String" },
        },
      };
    }
    const ruleSet = {
      version: bundled.version ?? "1.0",
      parameters: bundled.parameters ?? {},
      rules: [
        {
          conditions: [{ fn: "isSet", argv: [{ ref: "Endpoint" }] }],
          endpoint: { url: { ref: "Endpoint" }, properties: {}, headers: {} },
          type: "endpoint",
        },
        { conditions: [], endpoint: { url: emulatorUrl, properties: {}, headers: {} }, type: "endpoint" },
      ],
    };
    const out = path.join(dir, svc);
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, "endpoint-rule-set-1.json"), JSON.stringify(ruleSet));
  }
}

/**
 * The environment for the real clients: isolated HOME, endpoints pointed at the emulator, no leakage.
 * `regionInPath`: the AWS CLI's rule sets send each call to `<url>/region/{Region}` (the emulator's
 * region convention, docs/emulator.md), so a wrong sso_region reaches the emulator as one.
 */
export async function awsClientEnv(
  home: string,
  emulatorUrl: string,
  options: { regionInPath?: boolean } = {},
): Promise<NodeJS.ProcessEnv> {
  const dataPath = path.join(home, ".portico-test-aws-data");
  await writeEndpointRuleSets(
    dataPath,
    options.regionInPath ? `${emulatorUrl}/region/{Region}` : emulatorUrl,
  );
  const env: NodeJS.ProcessEnv = {};
  for (const k of [
    "PATH",
    "LANG",
    "LC_ALL",
    "TZ",
    "TMPDIR",
    "PYENV_ROOT",
    "PYENV_VERSION",
    "PYTHONPATH",
    "NODE_PATH",
  ])
    if (process.env[k] !== undefined) env[k] = process.env[k];
  return {
    ...env,
    HOME: home,
    USERPROFILE: home,
    AWS_ENDPOINT_URL: emulatorUrl,
    AWS_DATA_PATH: dataPath,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    PYTHONDONTWRITEBYTECODE: "1",
  };
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
  timeoutMs = 120_000,
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["pipe", "pipe", "pipe"], ...(cwd ? { cwd } : {}) });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

/** Run /usr/bin/aws (AWS CLI v2.9.19; the `aws` first on PATH is a v1). */
export function runAwsCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(AWS_CLI, args, env, input);
}

let pythonExe: string | undefined;

/**
 * The real python3 binary behind any pyenv shim: shims look for $HOME/.pyenv, which an isolated HOME
 * hides, so we resolve it once with the caller's own environment.
 */
function python(): string {
  if (pythonExe === undefined) {
    const r = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], {
      encoding: "utf8",
      cwd: "/",
    });
    pythonExe = r.status === 0 && r.stdout.trim() ? r.stdout.trim() : "python3";
  }
  return pythonExe;
}

/** Run `python3 -c code` (boto3/botocore 1.43 installed), from / so no repo file shadows a module. */
export function runPython(
  code: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(python(), ["-c", code], env, undefined, 120_000, "/");
}
