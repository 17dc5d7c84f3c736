/**
 * `portico emulator [start] …`: run the local IAM Identity Center (docs/emulator.md). The first stdout
 * line is the base URL; the following KEY=VALUE lines are what a client needs. The request log goes to
 * stderr. SIGINT/SIGTERM stop it cleanly (pending --data writes are flushed). The emulator is imported
 * lazily so it lands in its own chunk.
 */
import { type Command, InvalidArgumentError } from "commander";
import { configError, ExitCode, PorticoError, usageError } from "../../errors";
import type { CliContext } from "../context";
import { info, printLine, warn } from "../output";

interface StartFlags {
  host: string;
  port: number;
  seed?: string;
  accounts?: number;
  rolesPerAccount?: number;
  data?: string;
  autoApprove?: string;
  control?: boolean;
  startUrl?: string;
  region?: string;
  accessTokenTtl?: number;
  sessionTtl?: number;
  roleCredentialsTtl?: number;
  deviceCodeTtl?: number;
  portalTps?: number;
  adminTps?: number;
  throttle?: boolean;
  oidcTps?: number;
  faultRate?: number;
  latencyMs?: number;
  quiet?: boolean;
  json?: boolean;
}

const int =
  (min: number, max: number) =>
  (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return Number(value);
  };

const positive = (value: string): number => {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new InvalidArgumentError("expected a positive number");
  return n;
};

const fraction = (value: string): number => {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < 0 || n > 1)
    throw new InvalidArgumentError("expected a number from 0 to 1");
  return n;
};

function declareStart(cmd: Command): Command {
  return cmd
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "port (0 = any free port)", int(0, 65535), 0)
    .option("--seed <demo|FILE>", "organisation: the demo org or a JSON seed file (default: demo)")
    .option("--accounts <n>", "generate an org with N accounts (with --roles-per-account)", int(1, 10_000))
    .option("--roles-per-account <m>", "permission sets per generated account", int(1, 100))
    .option("--data <file>", "keep the org, registrations and sessions in this JSON file across restarts")
    .option("--auto-approve <user>", "approve device and browser sign-ins as this user, with no browser")
    .option("--control", "enable the control API under /_emulator/ (requests, approve, faults, reset)")
    .option("--start-url <url>", "the instance's start URL (https; never contacted)")
    .option("--region <region>", "the instance's region (default eu-north-1)")
    .option("--access-token-ttl <s>", "access token lifetime in seconds (default 3600)", int(1, 31_536_000))
    .option(
      "--session-ttl <s>",
      "sign-in session (refresh token) lifetime in seconds (default 28800)",
      int(1, 31_536_000),
    )
    .option(
      "--role-credentials-ttl <s>",
      "role credentials lifetime in seconds (default 3600)",
      int(1, 31_536_000),
    )
    .option("--device-code-ttl <s>", "device code lifetime in seconds (default 600)", int(1, 31_536_000))
    .option(
      "--portal-tps <n>",
      "throttle the portal APIs of each access token to N requests/s together (429 beyond; burst N)",
      positive,
    )
    .option(
      "--admin-tps <n>",
      "throttle the identitystore and sso-admin APIs to N requests/s together (ThrottlingException beyond; burst N)",
      positive,
    )
    .option("--throttle", "throttle like AWS: --portal-tps 20 and --admin-tps 20 unless given")
    .option("--oidc-tps <n>", "throttle each OIDC operation to N requests/s (429 beyond)", positive)
    .option("--fault-rate <p>", "fail this fraction of API requests (500 or connection reset)", fraction)
    .option("--latency-ms <ms>", "delay every API response by this many ms", int(0, 60_000))
    .option("--quiet", "no request log on stderr")
    .option("--json", "print the connection details as one JSON object")
    .addHelpText(
      "after",
      "\nExamples:\n  portico emulator start --seed demo\n  portico emulator start --port 4599 --auto-approve alice --data ./emulator.json\n  portico emulator --accounts 500 --roles-per-account 5 --quiet\n",
    )
    .action(async (flags: StartFlags) => startAction(ctx(cmd), flags));
}

// The context is attached per program (see register); commander hands the action only flags.
const contexts = new WeakMap<Command, CliContext>();
const ctx = (cmd: Command): CliContext => contexts.get(cmd)!;

async function startAction(c: CliContext, f: StartFlags): Promise<void> {
  if (f.seed !== undefined && f.accounts !== undefined)
    throw usageError("Pass either --seed or --accounts/--roles-per-account, not both");
  if ((f.accounts === undefined) !== (f.rolesPerAccount === undefined))
    throw usageError(
      "--accounts and --roles-per-account go together",
      "portico emulator --accounts 100 --roles-per-account 3",
    );
  const emulator = await import("../../../emulator/index");
  const lifetimes: Record<string, number> = {};
  if (f.accessTokenTtl !== undefined) lifetimes["accessToken"] = f.accessTokenTtl;
  if (f.sessionTtl !== undefined) lifetimes["session"] = f.sessionTtl;
  if (f.roleCredentialsTtl !== undefined) lifetimes["roleCredentials"] = f.roleCredentialsTtl;
  if (f.deviceCodeTtl !== undefined) lifetimes["deviceCode"] = f.deviceCodeTtl;
  const seed = f.seed ?? (f.accounts === undefined ? "demo" : undefined);
  let running: Awaited<ReturnType<typeof emulator.startEmulator>>;
  try {
    running = await emulator.startEmulator({
      host: f.host,
      port: f.port,
      ...(seed !== undefined ? { seed } : {}),
      ...(f.accounts !== undefined ? { accounts: f.accounts, rolesPerAccount: f.rolesPerAccount } : {}),
      ...(f.data !== undefined ? { dataFile: f.data } : {}),
      ...(f.autoApprove !== undefined ? { autoApprove: f.autoApprove } : {}),
      control: Boolean(f.control),
      ...(f.startUrl !== undefined ? { startUrl: f.startUrl } : {}),
      ...(f.region !== undefined ? { region: f.region } : {}),
      lifetimes,
      ...(f.portalTps !== undefined ? { portalTps: f.portalTps } : f.throttle ? { portalTps: 20 } : {}),
      ...(f.adminTps !== undefined ? { adminTps: f.adminTps } : f.throttle ? { adminTps: 20 } : {}),
      ...(f.oidcTps !== undefined ? { oidcTps: f.oidcTps } : {}),
      ...(f.faultRate !== undefined ? { faultRate: f.faultRate } : {}),
      ...(f.latencyMs !== undefined ? { latencyMs: f.latencyMs } : {}),
      ...(f.quiet ? {} : { log: (line: string) => info(c, line) }),
    });
  } catch (e) {
    throw mapStartError(e, f, emulator);
  }
  if (f.autoApprove !== undefined && !running.store.findUserByName(f.autoApprove)) {
    await running.stop();
    throw usageError(
      `--auto-approve: no user named ${JSON.stringify(f.autoApprove)} in the organisation`,
      "portico emulator start --seed demo --auto-approve alice",
    );
  }
  const demoUsers =
    seed === "demo" || f.accounts !== undefined
      ? running.store.org.users
          .filter((u) => emulator.DEMO_PASSWORDS[u.userName] !== undefined)
          .map((u) => ({ user: u.userName, password: emulator.DEMO_PASSWORDS[u.userName]! }))
      : [];
  if (f.json) {
    c.stdout.write(
      `${JSON.stringify({ url: running.url, endpointUrl: running.url, startUrl: running.startUrl, region: running.region, users: demoUsers, control: Boolean(f.control) })}\n`,
    );
  } else {
    printLine(c, running.url);
    printLine(c, `AWS_ENDPOINT_URL=${running.url}`);
    printLine(c, `SSO_START_URL=${running.startUrl}`);
    printLine(c, `SSO_REGION=${running.region}`);
    for (const u of demoUsers) printLine(c, `USER=${u.user} PASSWORD=${u.password}`);
  }
  if (running.dataLoaded) info(c, `portico emulator: state loaded from ${f.data} (seed options not used)`);
  if (!["127.0.0.1", "localhost", "::1"].includes(f.host))
    warn(
      c,
      `listening on ${f.host}: anyone who can reach it can sign in as the demo users. Prefer --host 127.0.0.1.`,
    );
  info(
    c,
    `portico emulator: listening on ${running.url} (Identity Center ${running.startUrl}, ${running.region})`,
  );
  info(c, `  point clients at it: export AWS_ENDPOINT_URL=${running.url}`);
  if (f.control) info(c, `  control API: ${running.url}/_emulator/requests`);
  info(c, "  press Ctrl-C to stop");

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  info(c, "portico emulator: stopping");
  await running.stop();
}

function mapStartError(
  e: unknown,
  f: StartFlags,
  emulator: typeof import("../../../emulator/index"),
): unknown {
  if (e instanceof emulator.EmulatorOptionsError)
    return usageError(e.message, "portico emulator start --help");
  if (e instanceof emulator.SeedError)
    return configError("emulator_seed", e.message, {
      hint: 'fix the seed file (docs/emulator.md, "Seed files"), or use --seed demo',
      details: { problems: e.problems },
    });
  if (e instanceof emulator.DataFileError)
    return configError("emulator_data_file", e.message, {
      hint: "move the file away or pass another --data FILE",
    });
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === "EADDRINUSE")
    return new PorticoError("address_in_use", `${f.host}:${f.port} is already in use`, {
      exitCode: ExitCode.service,
      hint: "pick another --port, or --port 0 for any free port",
    });
  if (code === "EADDRNOTAVAIL" || code === "EACCES")
    return new PorticoError("listen_failed", `cannot listen on ${f.host}:${f.port} (${code})`, {
      exitCode: ExitCode.service,
      hint: "use --host 127.0.0.1 and a port above 1024",
    });
  return e;
}

export function register(program: Command, c: CliContext): void {
  const emulatorCmd = program
    .command("emulator")
    .description("run a local IAM Identity Center that the AWS CLI, boto3 and the SDKs can sign in to");
  const start = emulatorCmd
    .command("start", { isDefault: true })
    .description("start the emulator (the default)");
  contexts.set(start, c);
  declareStart(start);
  emulatorCmd.addHelpText("after", "\nExample:\n  portico emulator start --seed demo --auto-approve alice\n");
}
