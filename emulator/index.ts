/**
 * `startEmulator(options)`: a local IAM Identity Center on one HTTP listener (127.0.0.1, port 0 by
 * default) that the unmodified AWS CLI v2, boto3 and the AWS SDK sign in to. See docs/emulator.md.
 */
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Lifetimes, Org } from "./model";
import { defaultLifetimes } from "./model";
import { loadSnapshot, type Snapshot, SnapshotWriter } from "./persist";
import {
  demoSeed,
  generatedSeed,
  type InstanceOptions,
  orgFromSeed,
  parseSeedText,
  SeedError,
} from "./seeds";
import {
  applyServerLimits,
  createRequestHandler,
  type FaultSettings,
  type RequestRecord,
  type ServerLimits,
  type ServerRuntime,
  serverOptions,
} from "./server";
import { EmulatorStore, emptyState } from "./store";

export type { Lifetimes, Org } from "./model";
export { hashPassword, verifyPassword } from "./passwords";
export { DataFileError } from "./persist";
export { DEFAULT_REGION, DEFAULT_START_URL, DEMO_PASSWORDS, SeedError } from "./seeds";
export { EmulatorStore, StoreError } from "./store";

export interface EmulatorOptions {
  host?: string;
  port?: number;
  /** "demo", a JSON seed file path, or an Org object. Default: "demo" (unless accounts/rolesPerAccount given). */
  seed?: "demo" | string | Org;
  accounts?: number;
  rolesPerAccount?: number;
  /** Persist everything to this JSON file; an existing file is loaded instead of the seed. */
  dataFile?: string;
  autoApprove?: string;
  control?: boolean;
  startUrl?: string;
  region?: string;
  lifetimes?: Partial<Lifetimes>;
  portalTps?: number;
  /** identitystore + sso-admin together: one collective bucket (N/s, burst N), ThrottlingException beyond. */
  adminTps?: number;
  oidcTps?: number;
  faultRate?: number;
  latencyMs?: number;
  log?: (line: string) => void;
  /** Clock (epoch ms), for tests of expiry without waiting. */
  now?: () => number;
  /** Connection and time-out limits (emulator/server.ts DEFAULT_SERVER_LIMITS). */
  limits?: Partial<ServerLimits>;
}

export interface RunningEmulator {
  url: string;
  startUrl: string;
  region: string;
  store: EmulatorStore;
  /** True when the state came from an existing --data file (the seed options were not used). */
  dataLoaded: boolean;
  requests(): RequestRecord[];
  stop(): Promise<void>;
}

/** A usage problem in EmulatorOptions (the CLI maps it to exit 2). */
export class EmulatorOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmulatorOptionsError";
  }
}

function validate(o: EmulatorOptions): void {
  const intIn = (v: number | undefined, name: string, min: number, max: number): void => {
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > max))
      throw new EmulatorOptionsError(`${name} must be an integer from ${min} to ${max}`);
  };
  intIn(o.port, "port", 0, 65535);
  intIn(o.accounts, "accounts", 1, 10_000);
  intIn(o.rolesPerAccount, "roles-per-account", 1, 100);
  intIn(o.latencyMs, "latency-ms", 0, 60_000);
  if (o.portalTps !== undefined && !(o.portalTps > 0 && o.portalTps <= 1e6))
    throw new EmulatorOptionsError("portal-tps must be a positive number");
  if (o.adminTps !== undefined && !(o.adminTps > 0 && o.adminTps <= 1e6))
    throw new EmulatorOptionsError("admin-tps must be a positive number");
  if (o.oidcTps !== undefined && !(o.oidcTps > 0 && o.oidcTps <= 1e6))
    throw new EmulatorOptionsError("oidc-tps must be a positive number");
  if (o.faultRate !== undefined && !(o.faultRate >= 0 && o.faultRate <= 1))
    throw new EmulatorOptionsError("fault-rate must be a number from 0 to 1");
  for (const [k, v] of Object.entries(o.lifetimes ?? {}))
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 365 * 24 * 3600))
      throw new EmulatorOptionsError(`lifetime ${k} must be a whole number of seconds from 1 to 31536000`);
  if (o.startUrl !== undefined) {
    let ok = false;
    try {
      ok = new URL(o.startUrl).protocol === "https:";
    } catch {}
    if (!ok)
      throw new EmulatorOptionsError("start-url must be an https URL (recent AWS CLIs refuse anything else)");
  }
  if (o.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(o.region))
    throw new EmulatorOptionsError(
      `region ${JSON.stringify(o.region)} does not look like an AWS region (e.g. eu-north-1)`,
    );
  if ((o.accounts === undefined) !== (o.rolesPerAccount === undefined))
    throw new EmulatorOptionsError("accounts and roles-per-account go together");
  if (o.accounts !== undefined && o.seed !== undefined)
    throw new EmulatorOptionsError("give either a seed or accounts/roles-per-account, not both");
}

/** Build the organisation the options describe (fresh ids, hashed passwords). */
export async function buildOrg(o: EmulatorOptions): Promise<Org> {
  const inst: InstanceOptions = {};
  if (o.startUrl) inst.startUrl = o.startUrl;
  if (o.region) inst.region = o.region;
  if (o.accounts !== undefined && o.rolesPerAccount !== undefined)
    return orgFromSeed(generatedSeed(o.accounts, o.rolesPerAccount), inst);
  const seed = o.seed ?? "demo";
  if (typeof seed === "object") {
    const org = structuredClone(seed);
    if (o.startUrl) org.instance.startUrl = o.startUrl;
    if (o.region) org.instance.region = o.region;
    return org;
  }
  if (seed === "demo") return orgFromSeed(demoSeed(), inst);
  let text: string;
  try {
    text = await readFile(seed, "utf8");
  } catch (e) {
    // A seed problem like any other (exit 3, emulator_seed), not a usage error: the flag was well-formed.
    throw new SeedError([`cannot read seed file ${seed}: ${(e as Error).message}`]);
  }
  return orgFromSeed(parseSeedText(text, seed), inst);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  validate(options);
  const lifetimes: Lifetimes = { ...defaultLifetimes, ...options.lifetimes };
  const storeOptions = { lifetimes, ...(options.now ? { now: options.now } : {}) };
  const loaded = options.dataFile ? await loadSnapshot(options.dataFile) : undefined;
  // What POST /_emulator/reset goes back to: the org as it was at start (seeded, or loaded from --data).
  const initialOrg = loaded ? structuredClone(loaded.org) : await buildOrg(options);
  let store = loaded
    ? new EmulatorStore(loaded.org, loaded.state, storeOptions)
    : new EmulatorStore(structuredClone(initialOrg), emptyState(), storeOptions);

  const records: RequestRecord[] = [];
  const writer = options.dataFile
    ? new SnapshotWriter(
        options.dataFile,
        (): Snapshot => ({
          format: "portico-emulator",
          version: 1,
          savedAt: new Date().toISOString(),
          org: store.org,
          state: store.state,
        }),
        (e) => options.log?.(`cannot write ${options.dataFile}: ${e.message}`),
      )
    : undefined;
  const attach = (s: EmulatorStore): void => {
    s.onChange = writer ? () => writer.schedule() : undefined;
  };
  attach(store);
  if (writer && !loaded) writer.schedule();

  const faults: FaultSettings = { faultRate: options.faultRate ?? 0, latencyMs: options.latencyMs ?? 0 };
  let baseUrl = "";
  const runtime: ServerRuntime = {
    store: () => store,
    baseUrl: () => baseUrl,
    autoApprove: options.autoApprove,
    control: options.control ?? false,
    portalTps: options.portalTps,
    adminTps: options.adminTps,
    oidcTps: options.oidcTps,
    faults,
    log: options.log,
    random: Math.random,
    reset: () => {
      store = new EmulatorStore(structuredClone(initialOrg), emptyState(), storeOptions);
      attach(store);
      store.changed();
      running.store = store;
    },
  };
  const handler = createRequestHandler(runtime, records);
  const server: Server = createServer(serverOptions(options.limits), (req, res) => {
    void handler(req, res);
  });
  applyServerLimits(server, options.limits);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  baseUrl = `http://${shownHost}:${addr.port}`;
  // Expired codes, tokens and credentials are dropped once a minute so long runs stay small.
  const sweeper = setInterval(() => store.sweep(), 60_000);
  sweeper.unref();

  let stopped: Promise<void> | undefined;
  const running: RunningEmulator = {
    url: baseUrl,
    startUrl: store.org.instance.startUrl,
    region: store.org.instance.region,
    store,
    dataLoaded: loaded !== undefined,
    requests: () => records.map((r) => ({ ...r })),
    stop: () => {
      stopped ??= (async () => {
        clearInterval(sweeper);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await writer?.flush();
      })();
      return stopped;
    },
  };
  return running;
}
