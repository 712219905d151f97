import { useGm } from '../store/gm-store';
import { useMyRole, useRoleOf } from '../store/roles-hooks';
import { useTable, type TableMember } from '../store/table-store';

/** What the host (or a game master) may do to another member: appoint, hand over, remove. */
export function RoleActions({ member }: { member: TableMember }) {
  const mine = useMyRole();
  const theirs = useRoleOf(member.id);
  const me = useTable((s) => s.identity?.user.id);
  const { setRole, transferHost, removeMember } = useGm.getState();
  if (member.id === me || mine === 'player' || theirs === 'host') return null;
  const name = member.name;
  const remove = () => {
    if (confirm(`Remove ${name} from this table? Their link will no longer open it.`)) void removeMember(member.id);
  };
  return (
    <span className="role-actions">
      {mine === 'host' && theirs === 'player' && (
        <button className="small" onClick={() => void setRole(member.id, 'game-master')} aria-label={`Make ${name} a game master`}>
          Make GM
        </button>
      )}
      {mine === 'host' && theirs === 'game-master' && (
        <button className="small" onClick={() => void setRole(member.id, 'player')} aria-label={`Make ${name} a player`}>
          Make player
        </button>
      )}
      {mine === 'host' && (
        <button className="small" onClick={() => void transferHost(member.id)} aria-label={`Hand the table to ${name}`}>
          Hand over
        </button>
      )}
      {(mine === 'host' || theirs === 'player') && (
        <button className="small danger" onClick={remove} aria-label={`Remove ${name}`}>
          Remove
        </button>
      )}
    </span>
  );
}

/** For a player at a table whose host and game masters are all away: take it over. */
export function ClaimTable() {
  const mine = useMyRole();
  const members = useTable((s) => s.members);
  const staffHere = useGm((s) => members.some((member) => member.id === s.roles?.hostId || s.roles?.gameMasters.includes(member.id)));
  if (mine !== 'player' || staffHere) return null;
  return (
    <div className="card">
      <p>No host or game master is here. If they have been away a while, you can run the table.</p>
      <button onClick={() => void useGm.getState().claimTable()}>Claim the table</button>
    </div>
  );
}
