/**
 * What an admin operation works on: the organisation (mutated in place, so the store's
 * accountsForUser/rolesForUser and the portal see changes at once), the time, a source of ids and
 * the short-lived status records of the asynchronous sso-admin operations.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Org } from "../model";

/** The part of EmulatorStore the admin APIs need (structural, so tests can pass a bare org). */
export interface AdminStore {
  org: Org;
}

export interface StatusRecord {
  kind: "creation" | "deletion" | "provisioning";
  /** Answered IN_PROGRESS once (the call itself), SUCCEEDED from the first Describe on (§7.2). */
  status: Record<string, unknown>;
}

export interface AdminRuntime {
  /** RequestId → status record; bounded (oldest dropped) so a long-running emulator stays small. */
  statuses: Map<string, StatusRecord>;
}

export interface AdminContext {
  org: Org;
  /** epoch seconds, with fractions (awsJson timestamps) */
  now: number;
  runtime: AdminRuntime;
  ids: IdSource;
}

export interface IdSource {
  uuid(): string;
  hex(bytes: number): string;
}

export const cryptoIds: IdSource = {
  uuid: () => randomUUID(),
  hex: (bytes) => randomBytes(bytes).toString("hex"),
};

const MAX_STATUSES = 10_000;

export function rememberStatus(runtime: AdminRuntime, requestId: string, record: StatusRecord): void {
  runtime.statuses.set(requestId, record);
  if (runtime.statuses.size > MAX_STATUSES) {
    const oldest = runtime.statuses.keys().next().value;
    if (oldest !== undefined) runtime.statuses.delete(oldest);
  }
}

/** identitystore ids: `<10 hex of the store id>-<uuid>` like `906722b2be-3f6f0a7c-…` (§7.1). */
export function identityId(ctx: AdminContext): string {
  const match = /^d-([0-9a-f]{10})$/.exec(ctx.org.instance.identityStoreId);
  return `${match ? match[1] : ctx.ids.hex(5)}-${ctx.ids.uuid()}`;
}
