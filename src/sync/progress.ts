/** Progress lines for `portico sync` on stderr (pure formatting; the command decides live vs per phase). */
import type { DiscoveryProgress } from "./discover";

const secs = (ms: number) => `${Math.round(ms / 1000)} s`;

/** The live line: counts, rate, throttles, ETA once the account list is complete. */
export function progressLine(p: DiscoveryProgress): string {
  const left = p.rolesNeeded - p.rolesListed;
  const eta = p.phase !== "accounts" && p.rate > 0 && left > 0 ? `, ETA ${secs((left / p.rate) * 1000)}` : "";
  return `accounts ${p.accountsListed}${p.phase === "accounts" ? "…" : ""} · roles listed ${p.rolesListed}/${p.rolesNeeded}${p.rolesReused ? ` (+${p.rolesReused} cached)` : ""} · ${p.rate.toFixed(1)} req/s · ${p.throttled} throttled${eta}`;
}

/** One plain line per phase change (non-TTY), or undefined when the phase did not change. */
export function phaseLine(
  p: DiscoveryProgress,
  previous: DiscoveryProgress["phase"] | undefined,
): string | undefined {
  if (p.phase === previous) return undefined;
  if (p.phase === "accounts") return "Listing accounts…";
  if (p.phase === "roles")
    return `Listed ${p.accountsListed} accounts; listing the roles of ${p.rolesNeeded}${p.rolesReused ? ` (${p.rolesReused} from the cache)` : ""}…`;
  return `Listed ${p.rolesListed} role lists in ${secs(p.elapsedMs)} (${p.requests} requests, ${p.throttled} throttled).`;
}
