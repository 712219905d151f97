import { ClaimTable } from './RoleActions';
import { PresenceList } from './PresenceList';
import { ShareButton } from './ShareButton';

export function PeoplePanel() {
  return (
    <div className="panel-body">
      <h2 className="panel-title">At the table</h2>
      <PresenceList />
      <ClaimTable />
      <div className="card share-card">
        <p>Invite others: anyone with the link can join this table.</p>
        <ShareButton wide />
      </div>
    </div>
  );
}
