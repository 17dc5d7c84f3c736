/**
 * The one retry/backoff helper: exponential backoff with full jitter (AWS Architecture Blog,
 * "Exponential Backoff And Jitter": sleep = random(0, min(cap, base · 2^attempt))), bounded by a number
 * of retries and, optionally, by a total patience. The SDK's own retries (maxAttempts in
 * src/platform/aws-sdk.ts) come first; this is for what needs more patience than the SDK's retry quota
 * gives (a throttling service, thousands of listings). Pure apart from the injected sleep/clock/random.
 */
import { isThrottle } from "./aws-errors";

export interface RetryOptions {
  /** Retries after the first attempt (default 8). */
  retries?: number;
  /** First backoff ceiling, ms (default 200). */
  baseMs?: number;
  /** Largest backoff ceiling, ms (default 10 s). */
  capMs?: number;
  /** Stop retrying once this much time (ms) would have passed since the first attempt (default: no limit). */
  patienceMs?: number;
  /** Which failures are worth another attempt (default: throttling, `isThrottle`). */
  retryable?: (e: unknown) => boolean;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

/** The full-jitter delay before retry number `attempt` (0-based). */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  return random() * Math.min(capMs, baseMs * 2 ** attempt);
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Run `fn`; on a retryable failure back off with full jitter and try again, within the limits. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 8;
  const base = options.baseMs ?? 200;
  const cap = options.capMs ?? 10_000;
  const retryable = options.retryable ?? isThrottle;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const started = now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= retries || !retryable(e)) throw e;
      const delay = backoffDelay(attempt, base, cap, random);
      if (options.patienceMs !== undefined && now() - started + delay >= options.patienceMs) throw e;
      await sleep(delay);
    }
  }
}
