import { ProtocolError } from '../../shared/errors';
import type { Role, TableRoles } from '../../shared/roles-protocol';

/** The roles a table starts with: its creator is host. */
export function initialRoles(hostId: string): TableRoles {
  return { hostId, gameMasters: [], removed: [] };
}

export function roleIn(roles: TableRoles, userId: string): Role {
  if (userId === roles.hostId) return 'host';
  return roles.gameMasters.includes(userId) ? 'game-master' : 'player';
}

/** Host or game master: who runs the table and sees what only game masters see. */
export function isStaff(roles: TableRoles, userId: string): boolean {
  return roleIn(roles, userId) !== 'player';
}

export function isRemoved(roles: TableRoles, userId: string): boolean {
  return roles.removed.includes(userId);
}

/**
 * Books (adding one, removing one with its layers) are run by the host and the game masters alike:
 * a co-host prepares the next scene's book while the host plays. `not-host` stays the stable code.
 */
export function requireStaff(roles: TableRoles, actor: string, what: string): void {
  if (!isStaff(roles, actor)) throw new ProtocolError('not-host', `only the host and game masters may ${what}`);
}

function requireHost(roles: TableRoles, actor: string, what: string): void {
  if (actor !== roles.hostId) throw new ProtocolError('not-host', `only the host may ${what}`);
}

function requireOther(roles: TableRoles, actor: string, target: string): void {
  if (target === actor) throw new ProtocolError('forbidden', 'choose another member than yourself');
  if (isRemoved(roles, target)) throw new ProtocolError('forbidden', 'that member was removed from this table');
}

const without = (ids: string[], id: string) => ids.filter((each) => each !== id);

/** The host makes `target` a game master (co-host), or a player again. */
export function withRole(roles: TableRoles, actor: string, target: string, role: 'game-master' | 'player'): TableRoles {
  requireHost(roles, actor, 'appoint game masters');
  requireOther(roles, actor, target);
  const gameMasters = without(roles.gameMasters, target);
  return { ...roles, gameMasters: role === 'game-master' ? [...gameMasters, target] : gameMasters };
}

/** The host hands the table to `target`; the old host stays a game master. */
export function withHost(roles: TableRoles, actor: string, target: string): TableRoles {
  requireHost(roles, actor, 'hand the table over');
  requireOther(roles, actor, target);
  return { ...roles, hostId: target, gameMasters: [...without(roles.gameMasters, target), actor] };
}

/** The host removes anyone else; a game master removes players only. */
export function withRemoved(roles: TableRoles, actor: string, target: string): TableRoles {
  if (!isStaff(roles, actor)) throw new ProtocolError('forbidden', 'only the host and game masters may remove a member');
  if (target === actor || target === roles.hostId) throw new ProtocolError('forbidden', 'the host cannot be removed (hand the table over first)');
  if (actor !== roles.hostId && isStaff(roles, target)) throw new ProtocolError('not-host', 'only the host may remove a game master');
  if (isRemoved(roles, target)) return roles;
  return { ...roles, gameMasters: without(roles.gameMasters, target), removed: [...roles.removed, target] };
}

export interface ClaimCircumstances {
  /** Whether a host's or game master's socket is at the table now. */
  staffPresent: boolean;
  /** Ms since a host or game master was last seen at the table. */
  staffAwayMs: number;
  claimAfterMs: number;
}

/**
 * A member takes over a table whose host and game masters are all away for `claimAfterMs`: a
 * host who left for good does not lock the table. The old host stays a game master.
 */
export function withClaim(roles: TableRoles, actor: string, circumstances: ClaimCircumstances): TableRoles {
  if (isStaff(roles, actor)) throw new ProtocolError('forbidden', 'you already run this table');
  const { staffPresent, staffAwayMs, claimAfterMs } = circumstances;
  if (staffPresent || staffAwayMs < claimAfterMs) {
    throw new ProtocolError('forbidden', `the table can be claimed once its host and game masters have been away for ${Math.round(claimAfterMs / 1000)} s`);
  }
  return { ...roles, hostId: actor, gameMasters: [...without(roles.gameMasters, actor), roles.hostId] };
}
