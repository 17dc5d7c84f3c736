/**
 * `credential_process` profiles, as botocore runs them (docs/reference.md §1.7; botocore `ProcessProvider`):
 * the command line split like POSIX `shlex.split` and run WITHOUT a shell, its stdout parsed as
 * `{"Version": 1, "AccessKeyId", "SecretAccessKey", ["SessionToken"], ["Expiration"], ["AccountId"]}`,
 * a non-zero exit reported with its stderr.
 *
 * Recursion guard: like the AWS CLI's `_AWS_CLI_PROFILE_CHAIN`, the profiles being resolved travel to the
 * child in `_PORTICO_PROFILE_CHAIN`, so `credential_process = portico credential-process --profile <itself>`
 * fails fast instead of forking forever.
 */
import { execFile } from "node:child_process";
import { shlexSplit } from "../config/botocore";
import { configError, ExitCode, PorticoError } from "../errors";
import { withoutPorticoEnv } from "../platform/sdk-warning";
import { parseExpiration } from "./cache-format";
import { CHAIN_ENV, MAX_CHAIN } from "./chain";
import type { AwsCredentials } from "./types";

/** Narrow the process's stdout (botocore's checks and messages). */
export function parseProcessOutput(stdout: string, profileName: string): AwsCredentials {
  const fail = (why: string) =>
    new PorticoError("credential_process_invalid", `credential_process for profile "${profileName}" ${why}`, {
      exitCode: ExitCode.config,
      hint: 'It must print {"Version": 1, "AccessKeyId": …, "SecretAccessKey": …} on stdout (docs/credentials.md).',
    });
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    throw fail("did not print JSON");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw fail("did not print a JSON object");
  const o = doc as Record<string, unknown>;
  if (o["Version"] !== 1)
    throw fail(`printed Version ${JSON.stringify(o["Version"])}; only the number 1 is supported`);
  const s = (k: string) => (typeof o[k] === "string" && o[k] !== "" ? (o[k] as string) : undefined);
  const accessKeyId = s("AccessKeyId");
  const secretAccessKey = s("SecretAccessKey");
  if (!accessKeyId) throw fail("printed no AccessKeyId");
  if (!secretAccessKey) throw fail("printed no SecretAccessKey");
  const out: AwsCredentials = { accessKeyId, secretAccessKey };
  const token = s("SessionToken");
  if (token) out.sessionToken = token;
  const exp = s("Expiration");
  if (exp !== undefined) {
    const d = parseExpiration(exp);
    if (!d) throw fail(`printed an unreadable Expiration (${exp})`);
    out.expiration = d;
  }
  const acct = s("AccountId");
  if (acct) out.accountId = acct;
  return out;
}

/** Run the profile's credential_process (no shell) with the chain guard; 60 s time-out. */
export function runCredentialProcess(
  env: NodeJS.ProcessEnv,
  commandLine: string,
  profileName: string,
  chain: string[],
): Promise<AwsCredentials> {
  if (chain.includes(profileName))
    throw configError(
      "credential_process_loop",
      `credential_process loop: ${[...chain, profileName].join(" -> ")}`,
      {
        hint: `The credential_process of [profile ${profileName}] ends up asking for itself; point it at another profile.`,
      },
    );
  if (chain.length >= MAX_CHAIN)
    throw configError(
      "credential_process_loop",
      `credential_process chain too deep: ${[...chain, profileName].join(" -> ")}`,
      {
        hint: `At most ${MAX_CHAIN} nested credential_process profiles.`,
      },
    );
  let argv: string[];
  try {
    argv = shlexSplit(commandLine);
  } catch (e) {
    throw configError(
      "credential_process_invalid",
      `credential_process for profile "${profileName}" cannot be split: ${(e as Error).message}`,
      {
        hint: "Quote it as a POSIX shell would (no pipes, no $VAR, no ~: it runs without a shell).",
      },
    );
  }
  const [file, ...args] = argv;
  if (!file)
    throw configError(
      "credential_process_invalid",
      `credential_process for profile "${profileName}" is empty`,
    );
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        env: { ...withoutPorticoEnv(env), [CHAIN_ENV]: [...chain, profileName].join(",") },
        timeout: 60_000,
        maxBuffer: 1024 * 1024,
        encoding: "utf8",
      },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
          const why =
            e.code === "ENOENT"
              ? `could not be started: ${file} not found`
              : e.killed
                ? "timed out after 60 s"
                : `failed (exit ${String(e.code)}): ${stderr.trim() || e.message}`;
          reject(
            new PorticoError(
              "credential_process_failed",
              `credential_process for profile "${profileName}" ${why}`,
              {
                exitCode: e.killed ? ExitCode.timeout : ExitCode.service,
                hint: `Run it yourself to see why: ${commandLine}`,
                cause: err,
              },
            ),
          );
          return;
        }
        try {
          resolve(parseProcessOutput(stdout, profileName));
        } catch (pe) {
          reject(pe);
        }
      },
    );
  });
}
