import type { AppliedUpdate } from '../storage/session-store';

const SEQUENCED_ID = /^(.{1,48})-(\d{1,15})$/;

/** Who sent an update and which of their client's updates it is. */
export interface UpdateOrigin {
  userId: string;
  clientKey: string;
  seq: number;
}

/**
 * `<clientKey>-<n>` names the n-th update of one client (n grows in send order); any other id is
 * a client key of its own with n = 0, so that only the very same id counts as a resend.
 */
export function originOf(userId: string, updateId: string): UpdateOrigin {
  const match = SEQUENCED_ID.exec(updateId);
  if (!match) return { userId, clientKey: updateId, seq: 0 };
  return { userId, clientKey: match[1] as string, seq: Number(match[2]) };
}

/**
 * The origin of a client's `update-layers`: its ids are counted apart from the same client's
 * game-state updates, so the two never pass for resends of each other.
 */
export function layerOriginOf(userId: string, updateId: string): UpdateOrigin {
  const { clientKey, seq } = originOf(userId, updateId);
  return { userId, clientKey: `layers:${clientKey}`, seq };
}

/**
 * The record of `origin`'s update as applied in `version`. Written out field by field: V8 (Node
 * 20) gives every object made by `{ ...origin, version }` a hidden class of its own, allocated in
 * the old generation, once per update.
 */
export function appliedIn(origin: UpdateOrigin, version: number): AppliedUpdate {
  return { userId: origin.userId, clientKey: origin.clientKey, seq: origin.seq, version };
}

/**
 * The last update applied per client of each user of one session, as the store keeps them: an
 * update not newer than its client's last one was applied before (rule S10), whatever happened
 * since (a lost ack, a restart, the session leaving memory).
 */
export class AppliedUpdates {
  /**
   * By user, then by client key: no key string is built per update. Each client's entry is
   * updated in place: a new one per update would outlive a scavenge or two (a client sends every
   * second or so) and end up as garbage of the old generation.
   */
  private readonly last = new Map<string, Map<string, LastApplied>>();

  constructor(stored: readonly AppliedUpdate[]) {
    for (const applied of stored) this.record(applied);
  }

  /** The version to acknowledge a resend with; undefined when the update is new. */
  versionOfResend(origin: UpdateOrigin): number | undefined {
    const last = this.last.get(origin.userId)?.get(origin.clientKey);
    return last && origin.seq <= last.seq ? last.version : undefined;
  }

  /** The number of the last update applied for this client of this user, if any. */
  lastSeq(userId: string, clientKey: string): number | undefined {
    return this.last.get(userId)?.get(clientKey)?.seq;
  }

  record({ userId, clientKey, seq, version }: AppliedUpdate): void {
    let clients = this.last.get(userId);
    if (!clients) {
      clients = new Map();
      this.last.set(userId, clients);
    }
    const held = clients.get(clientKey);
    if (!held) clients.set(clientKey, { seq, version });
    else {
      held.seq = seq;
      held.version = version;
    }
  }
}

/** A client's last applied update, as its user's map keeps it. */
interface LastApplied {
  seq: number;
  version: number;
}
