/**
 * The I/O half of pacing and the one retry policy of every portal call: waits for the pacer's send
 * slot (pacer.ts), keeps at most `concurrency` calls in flight, and retries what is worth retrying —
 * throttles (up to `throttleAttempts` per call) and server/network/time-out failures (up to
 * `attempts` per call) — with the pacer's jittered backoff. A throttle never ends in a sign-in: it is
 * only ever waited out. `admin apply` paces the Identity Center admin APIs with the same runner
 * (src/admin/index.ts adminRunner: started at their published 20 TPS, never above it).
 */
import { classifyPortalFailure, retryAfterMs } from "./errors";
import { DEFAULT_PACER, initialPacer, onSuccess, onThrottle, type PacerConfig, reserve } from "./pacer";

export interface PacerStats {
  sent: number;
  throttled: number;
  faults: number;
  /** Current send rate, requests per second. */
  rate: number;
}

export interface PacedRunner {
  /** Run one portal request under the policy; the last error is thrown when retries run out. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  stats(): PacerStats;
}

export interface PacedOptions {
  config?: Partial<PacerConfig>;
  concurrency?: number;
  /** Attempts per call for server errors, resets and time-outs (the first included). */
  attempts?: number;
  /** Attempts per call for throttles (the first included). */
  throttleAttempts?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Stop waiting and fail with this signal's reason (Ctrl-C). */
  signal?: AbortSignal;
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function createPacedRunner(o: PacedOptions = {}): PacedRunner {
  const config = { ...DEFAULT_PACER, ...o.config };
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? realSleep;
  const random = o.random ?? Math.random;
  const limit = o.concurrency ?? 16;
  const attempts = o.attempts ?? 3;
  const throttleAttempts = o.throttleAttempts ?? 12;
  let state = initialPacer(config, now());
  const stats = { sent: 0, throttled: 0, faults: 0 };
  let inFlight = 0;
  const waiters: (() => void)[] = [];

  const acquire = async (): Promise<void> => {
    while (inFlight >= limit) await new Promise<void>((r) => waiters.push(r));
    inFlight++;
  };
  const release = (): void => {
    inFlight--;
    waiters.shift()?.();
  };
  const aborted = (): void => {
    if (o.signal?.aborted) throw o.signal.reason ?? new Error("aborted");
  };

  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      let throttles = 0;
      let faults = 0;
      for (;;) {
        aborted();
        await acquire();
        let epoch: number;
        try {
          const r = reserve(state, now());
          state = r.state;
          epoch = r.epoch;
          const wait = r.at - now();
          if (wait > 0) await sleep(wait);
          aborted();
        } catch (e) {
          release();
          throw e;
        }
        stats.sent++;
        try {
          const out = await fn();
          state = onSuccess(state, config);
          return out;
        } catch (e) {
          const kind = classifyPortalFailure(e);
          const retriable =
            kind === "throttled"
              ? ++throttles < throttleAttempts
              : (kind === "server" || kind === "network" || kind === "timeout") && ++faults < attempts;
          if (kind === "throttled") stats.throttled++;
          else if (kind === "server" || kind === "network" || kind === "timeout") stats.faults++;
          if (kind === "throttled" || kind === "server" || kind === "network")
            state = onThrottle(state, config, now(), epoch, random(), retryAfterMs(e, now()));
          if (!retriable) throw e;
        } finally {
          release();
        }
      }
    },
    stats: () => ({ ...stats, rate: state.rate }),
  };
}
