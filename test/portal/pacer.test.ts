/**
 * The pacer's policy against a model of the portal's collective budget (a token bucket, T requests/s,
 * burst T), in virtual time: at 20/s it reaches the floor (⌈N/100⌉ + N calls ÷ T) with at most 5% of
 * requests throttled; it adapts to lower budgets; it honours Retry-After; cuts once per round trip.
 * And the runner (paced.ts) with an injected clock: retries throttles and 5xx, never other errors.
 */
import { describe, expect, it } from "vitest";
import { createPacedRunner } from "../../src/portal/paced";
import { DEFAULT_PACER, initialPacer, onSuccess, onThrottle, reserve } from "../../src/portal/pacer";

function simulate(accounts: number, tps: number, latencyMs: number, concurrency = 16) {
  const total = Math.ceil(accounts / 100) + accounts;
  let s = initialPacer(DEFAULT_PACER, 0);
  let tokens = tps;
  let filledAt = 0;
  const take = (t: number) => {
    tokens = Math.min(tps, tokens + ((t - filledAt) / 1000) * tps);
    filledAt = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
  let t = 0;
  let done = 0;
  let sent = 0;
  let throttled = 0;
  let remaining = total;
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pending: { time: number; ok: boolean; epoch: number }[] = [];
  while (done < total) {
    const r = reserve(s, t);
    const nextSend = remaining > 0 && pending.length < concurrency ? r.at : Number.POSITIVE_INFINITY;
    pending.sort((a, b) => a.time - b.time);
    const nextAnswer = pending[0]?.time ?? Number.POSITIVE_INFINITY;
    if (nextSend <= nextAnswer) {
      s = r.state;
      t = r.at;
      sent++;
      remaining--;
      pending.push({ time: t + latencyMs, ok: take(t), epoch: r.epoch });
    } else {
      const p = pending.shift()!;
      t = p.time;
      if (p.ok) {
        done++;
        s = onSuccess(s, DEFAULT_PACER);
      } else {
        throttled++;
        remaining++;
        s = onThrottle(s, DEFAULT_PACER, t, p.epoch, random());
      }
    }
  }
  return { seconds: t / 1000, floor: total / tps, throttledShare: throttled / sent };
}

describe("pacer policy vs a 20/s collective budget", () => {
  for (const n of [100, 1000, 7000])
    for (const latency of [5, 80])
      it(`${n} accounts, ${latency} ms round trips: within 1.05 × the floor, ≤ 5% throttled`, () => {
        const r = simulate(n, 20, latency);
        expect(r.seconds).toBeLessThanOrEqual(1.05 * r.floor);
        expect(r.throttledShare).toBeLessThanOrEqual(0.05);
      });
  it("adapts to a lower budget (10/s) and to a higher one (40/s)", () => {
    for (const tps of [10, 40]) {
      const r = simulate(1000, tps, 20);
      expect(r.seconds).toBeLessThanOrEqual(1.1 * r.floor);
      expect(r.throttledShare).toBeLessThanOrEqual(0.05);
    }
  });
  it("cuts the rate once per epoch, pauses with jitter, honours Retry-After", () => {
    let s = initialPacer(DEFAULT_PACER, 0);
    const sent = reserve(s, 0);
    s = sent.state;
    const second = reserve(s, 0);
    s = second.state;
    const a = onThrottle(s, DEFAULT_PACER, 10, sent.epoch, 0.5);
    expect(a.rate).toBeCloseTo(DEFAULT_PACER.startRate * DEFAULT_PACER.decrease);
    const b = onThrottle(a, DEFAULT_PACER, 11, second.epoch, 0.5); // same round trip: no second cut
    expect(b.rate).toBe(a.rate);
    expect(b.pausedUntil).toBeGreaterThan(a.pausedUntil);
    const c = onThrottle(b, DEFAULT_PACER, 12, b.epoch, 0, 5000);
    expect(c.pausedUntil).toBeGreaterThanOrEqual(12 + 5000);
    expect(reserve(c, 13).at).toBeGreaterThanOrEqual(5012);
    expect(onSuccess(c, DEFAULT_PACER).streak).toBe(0);
  });
});

describe("paced runner", () => {
  const clock = () => {
    let now = 0;
    return {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    };
  };
  const err = (name: string, status: number, headers: Record<string, string> = {}) =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, $response: { headers } });

  it("retries throttles and 5xx through, with the server's Retry-After", async () => {
    const c = clock();
    const runner = createPacedRunner({ ...c, random: () => 0.5 });
    let calls = 0;
    const out = await runner.run(async () => {
      calls++;
      if (calls === 1) throw err("TooManyRequestsException", 429, { "retry-after": "3" });
      if (calls === 2) throw err("InternalServerException", 500);
      return "ok";
    });
    expect(out).toBe("ok");
    expect(c.now()).toBeGreaterThanOrEqual(3000);
    expect(runner.stats()).toMatchObject({ sent: 3, throttled: 1, faults: 1 });
  });
  it("gives up after the attempts; never retries a client error or 401", async () => {
    const c = clock();
    const runner = createPacedRunner({ ...c, attempts: 2, throttleAttempts: 3 });
    let calls = 0;
    await expect(
      runner.run(async () => {
        calls++;
        throw err("TooManyRequestsException", 429);
      }),
    ).rejects.toThrow("TooManyRequestsException");
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      runner.run(async () => {
        calls++;
        throw err("UnauthorizedException", 401);
      }),
    ).rejects.toThrow("UnauthorizedException");
    expect(calls).toBe(1);
  });
  it("stops waiting when aborted", async () => {
    const ac = new AbortController();
    ac.abort(new Error("cancelled"));
    const runner = createPacedRunner({ signal: ac.signal });
    await expect(runner.run(async () => 1)).rejects.toThrow("cancelled");
  });
});
