/**
 * A small adaptive pacer for `admin apply` (docs/admin.md "Rate"): at most `rate` calls per second
 * (IAM Identity Center's collective limit is 20 TPS), halved on each throttling answer and raised again
 * by 10 % of the limit per second once calm for a second, never above the configured rate. Throttled and 5xx calls are retried with
 * backoff a bounded number of times. Written small on purpose; the sync pacer does the same job for the
 * portal and the two are meant to become one.
 */
import { isPorticoError } from "../errors";
import type { AdminClients } from "./api";

export interface PacerOptions {
  rate?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  maxRetries?: number;
}

export class Pacer {
  readonly max: number;
  rate: number;
  private next = 0;
  private lastThrottle = 0;
  private lastAdjust = 0;
  throttled = 0;
  retried = 0;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  readonly maxRetries: number;

  constructor(o: PacerOptions = {}) {
    this.max = o.rate ?? 20;
    this.rate = this.max;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = o.now ?? Date.now;
    this.maxRetries = o.maxRetries ?? 8;
  }

  /** Wait for this call's slot (slots are handed out in order, 1/rate apart). */
  async take(): Promise<void> {
    const t = this.now();
    const since = t - this.lastAdjust;
    this.lastAdjust = t;
    // Additive increase after a calm second: +10 % of the limit per second.
    if (this.rate < this.max && t - this.lastThrottle > 1000)
      this.rate = Math.min(this.max, this.rate + (this.max * 0.1 * since) / 1000);
    const slot = Math.max(t, this.next);
    this.next = slot + 1000 / this.rate;
    if (slot > t) await this.sleep(slot - t);
  }

  onThrottle(): void {
    this.throttled++;
    this.lastThrottle = this.now();
    this.lastAdjust = this.lastThrottle;
    this.rate = Math.max(0.5, this.rate / 2);
  }

  /** `fn` paced, retried on throttling and 5xx. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.take();
      try {
        return await fn();
      } catch (e) {
        const code = isPorticoError(e) ? e.code : "";
        const retryable =
          code === "service_throttled" || (isPorticoError(e) && e.details?.["retryable"] === true);
        if (!retryable || attempt >= this.maxRetries) throw e;
        if (code === "service_throttled") this.onThrottle();
        this.retried++;
        await this.sleep(Math.min(5000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2));
      }
    }
  }
}

/** The admin clients with every call paced. */
export function pacedClients(api: AdminClients, pacer: Pacer): AdminClients {
  return {
    ids: (op, input) => pacer.run(() => api.ids(op, input)),
    sso: (op, input) => pacer.run(() => api.sso(op, input)),
    destroy: () => api.destroy(),
  };
}
