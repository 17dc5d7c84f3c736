/**
 * The picker's choice history, parsed (pure, no imports: the pick fast path reads it before anything
 * else loads; src/sync/history.ts reads and writes the file). Anything unreadable is an empty history.
 */
import type { History } from "./pick";

export function parseHistory(text: string | undefined): History {
  if (text === undefined) return {};
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    const out: History = {};
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) return {};
    for (const [k, v] of Object.entries(raw)) {
      const o = v as { count?: unknown; last?: unknown };
      if (k !== "__proto__" && typeof o?.count === "number" && typeof o.last === "number")
        out[k] = { count: o.count, last: o.last };
    }
    return out;
  } catch {
    return {};
  }
}
