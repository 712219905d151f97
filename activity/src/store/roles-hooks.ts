import type { Role } from '../../../shared/roles-protocol';
import { isStaffRole, roleIn } from '../model/table-roles';
import { useGm } from './gm-store';
import { useTable } from './table-store';

/** This player's role at the open table, as the server last said. */
export function useMyRole(): Role {
  const me = useTable((s) => s.identity?.user.id);
  return useGm((s) => roleIn(s.roles, me));
}

/** Host or game master: sees the game master panel and edits every sheet. */
export function useIsStaff(): boolean {
  return isStaffRole(useMyRole());
}

/** Anyone's role, from the roles the server sent. */
export function useRoleOf(userId: string): Role {
  return useGm((s) => roleIn(s.roles, userId));
}
