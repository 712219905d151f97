import { useState } from 'react';
import { useRoleOf } from '../store/roles-hooks';
import { useTable, type TableMember } from '../store/table-store';
import { RoleActions } from './RoleActions';

const STRIP_MAX = 4;

function initials(name: string): string {
  return name.trim().split(/\s+/).slice(0, 2).map((word) => word[0]?.toUpperCase() ?? '').join('') || '?';
}

/** A stable hue per player, so a face keeps its colour for everyone at the table. */
function hueOf(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) % 360;
  return hash;
}

/** The player's Discord avatar over their initials; the initials stay when there is none or it fails to load. */
function Avatar({ member }: { member: TableMember }) {
  const [failed, setFailed] = useState<string | null>(null);
  const picture = member.avatarUrl;
  return (
    <span className="avatar" style={{ '--hue': hueOf(member.id) } as React.CSSProperties} title={member.name} aria-hidden="true">
      {initials(member.name)}
      {picture && (
        <img src={picture} alt="" hidden={failed === picture} onError={() => setFailed(picture)} referrerPolicy="no-referrer" />
      )}
    </span>
  );
}

/** The faces in the top bar (wide screens). */
export function PresenceStrip() {
  const members = useTable((s) => s.members);
  const shown = members.slice(0, STRIP_MAX);
  return (
    <div className="presence-strip" aria-label={`${members.length} at the table`}>
      {shown.map((member) => (
        <Avatar key={member.id} member={member} />
      ))}
      {members.length > STRIP_MAX && <span className="avatar more">+{members.length - STRIP_MAX}</span>}
    </div>
  );
}

/** Everyone at the table, by name, with their role, "you" beside the player's own name, and what the host may do. */
export function PresenceList() {
  const members = useTable((s) => s.members);
  return (
    <ul className="presence-list" aria-label="Players at the table">
      {members.map((member) => (
        <MemberRow key={member.id} member={member} />
      ))}
    </ul>
  );
}

function MemberRow({ member }: { member: TableMember }) {
  const me = useTable((s) => s.identity?.user.id);
  const role = useRoleOf(member.id);
  return (
    <li aria-label={member.name}>
      <Avatar member={member} />
      <span className="member-name">{member.name}</span>
      {member.id === me && <span className="badge">you</span>}
      {role === 'host' && <span className="badge host">host</span>}
      {role === 'game-master' && <span className="badge host">GM</span>}
      <RoleActions member={member} />
    </li>
  );
}
