/**
 * `--data FILE`: the whole state as one JSON snapshot, written atomically (src/platform/atomic-file.ts:
 * temp file in the same folder, fsync, rename, folder fsync) with mode 0600, coalesced so a burst of
 * mutations costs one write. Why a snapshot and not SQLite: the state is small (an org plus live sessions), there is one writer (this process), a
 * snapshot is dependency-free and readable, and rename gives all-or-nothing durability. A file that
 * cannot be parsed is refused at start-up and never overwritten.
 */
import { promises as fs } from "node:fs";
// The one module the emulator shares with the client: it imports nothing but node:fs and node:path.
import { writeFileAtomic } from "../src/platform/atomic-file";
import type { Org } from "./model";
import type { LiveState } from "./store";

export interface Snapshot {
  format: "portico-emulator";
  version: 1;
  savedAt: string;
  org: Org;
  state: LiveState;
}

export class DataFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataFileError";
  }
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The snapshot in `file`, or undefined when the file does not exist. Refuses anything else it cannot use. */
export async function loadSnapshot(file: string): Promise<{ org: Org; state: LiveState } | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DataFileError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DataFileError(`${file} is not valid JSON (${(e as Error).message}); it was left untouched`);
  }
  if (!isObj(data) || data["format"] !== "portico-emulator" || data["version"] !== 1)
    throw new DataFileError(`${file} is not a portico emulator data file (version 1); it was left untouched`);
  const org = data["org"];
  const state = data["state"];
  const orgOk =
    isObj(org) &&
    isObj(org["instance"]) &&
    ["accounts", "users", "groups", "memberships", "permissionSets", "assignments"].every((k) =>
      Array.isArray(org[k]),
    );
  const stateKeys = [
    "clients",
    "devices",
    "authorizeRequests",
    "codes",
    "sessions",
    "accessTokens",
    "refreshTokens",
    "credentials",
  ];
  const stateOk = isObj(state) && stateKeys.every((k) => isObj(state[k]));
  if (!orgOk || !stateOk)
    throw new DataFileError(`${file} is damaged (missing org or state sections); it was left untouched`);
  return { org: org as unknown as Org, state: state as unknown as LiveState };
}

/** The project's one atomic write (shared, dependency-free): temp 0600, fsync, rename, folder fsync. */
const writeAtomic = (file: string, data: string): Promise<void> =>
  writeFileAtomic(file, data, { mode: 0o600 });

/** Coalescing writer: `schedule()` after a change; at most one write in flight; `flush()` before exit. */
export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => Snapshot,
    private readonly onError: (e: Error) => void,
    private readonly delayMs = 25,
  ) {}

  schedule(): void {
    this.dirty = true;
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.delayMs);
  }

  private async run(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      while (this.dirty) {
        this.dirty = false;
        try {
          await writeAtomic(this.file, JSON.stringify(this.snapshot()));
        } catch (e) {
          this.onError(e as Error);
        }
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.running) await this.running;
    if (this.dirty) await this.run();
  }
}
