/**
 * Client-side pacing of portal calls, the pure policy (no clock, no timers: time and randomness come in
 * as arguments). The portal publishes no rate; it answers 429 TooManyRequests when a token's requests
 * exceed a collective budget (docs/sync.md "Pacing"). So the pacer:
 * - spaces requests at `rate` per second (a send schedule, not bursts), starting below the usual
 *   20/s budget;
 * - slow start: until the first throttle the rate grows by `slowStartGain` per success (≈ ×1.4 per
 *   second at the start rate), then additively by `increasePerSecond` per second of successes;
 * - on a 429 or a 5xx: multiplicative decrease (`decrease`), at most once per round trip (a cut only
 *   counts answers to requests sent after the previous cut — the "epoch"), and a pause of jittered
 *   exponential backoff, or the server's Retry-After when it sent one.
 */

export interface PacerConfig {
  /** Requests per second at the start. */
  startRate: number;
  minRate: number;
  maxRate: number;
  /** Slow start: rate growth per successful request until the first throttle. */
  slowStartGain: number;
  /** After the first throttle: rate growth per second of successes. */
  increasePerSecond: number;
  /** Multiplicative decrease on a throttle or server error. */
  decrease: number;
  /** Backoff after a throttle: base × 2^(consecutive throttles − 1), capped, full jitter on half. */
  backoffBaseMs: number;
  backoffCapMs: number;
}

export const DEFAULT_PACER: PacerConfig = {
  startRate: 10,
  minRate: 0.5,
  maxRate: 500,
  slowStartGain: 0.35,
  increasePerSecond: 0.5,
  decrease: 0.75,
  backoffBaseMs: 100,
  backoffCapMs: 20_000,
};

export interface PacerState {
  rate: number;
  slowStart: boolean;
  /** Earliest time (ms) the next request may be sent. */
  nextAt: number;
  /** No request before this time (backoff, Retry-After). */
  pausedUntil: number;
  /** Incremented at each cut; requests carry the epoch they were sent in. */
  epoch: number;
  /** Throttles/faults since the last success. */
  streak: number;
}

export function initialPacer(config: PacerConfig, now: number): PacerState {
  return { rate: config.startRate, slowStart: true, nextAt: now, pausedUntil: now, epoch: 0, streak: 0 };
}

/** Reserve the next send slot: when to send (ms) and the epoch the request belongs to. */
export function reserve(s: PacerState, now: number): { state: PacerState; at: number; epoch: number } {
  const at = Math.max(now, s.nextAt, s.pausedUntil);
  return { state: { ...s, nextAt: at + 1000 / s.rate }, at, epoch: s.epoch };
}

export function onSuccess(s: PacerState, c: PacerConfig): PacerState {
  const grow = s.slowStart ? c.slowStartGain : c.increasePerSecond / s.rate;
  return { ...s, rate: Math.min(c.maxRate, s.rate + grow), streak: 0 };
}

/**
 * A throttle (429) or server error (5xx, reset) for a request sent in `sentEpoch`. `random` in [0, 1).
 * Returns the new state; the pause is in `pausedUntil`.
 */
export function onThrottle(
  s: PacerState,
  c: PacerConfig,
  now: number,
  sentEpoch: number,
  random: number,
  retryAfterMs?: number,
): PacerState {
  const streak = s.streak + 1;
  let { rate, epoch, slowStart } = s;
  if (sentEpoch === s.epoch) {
    rate = Math.max(c.minRate, rate * c.decrease);
    epoch++;
    slowStart = false;
  }
  const exp = Math.min(c.backoffCapMs, c.backoffBaseMs * 2 ** (streak - 1));
  const jittered = exp / 2 + (exp / 2) * random;
  const pause = retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
  const pausedUntil = Math.max(s.pausedUntil, now + pause);
  return { rate, slowStart, epoch, streak, pausedUntil, nextAt: Math.max(s.nextAt, pausedUntil) };
}
