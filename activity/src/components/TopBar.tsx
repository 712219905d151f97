import { exportTable } from '../store/table-files';
import { useTable } from '../store/table-store';
import { ConnectionBadge } from './ConnectionBadge';
import { Icon } from './Icon';
import { PlaceLabel } from './PlaceLabel';
import { PresenceStrip } from './PresenceList';
import { ShareButton } from './ShareButton';

export function TopBar() {
  const leaveTable = useTable((s) => s.leaveTable);
  return (
    <header className="top-bar">
      <div className="brand small">
        <Icon name="book" size={22} /> <span className="brand-text">Gamebook Studio</span>
      </div>
      <PlaceLabel />
      <ConnectionBadge />
      <div className="top-bar-end">
        <PresenceStrip />
        <ShareButton />
        <button className="ghost" onClick={() => void exportTable()} aria-label="Export the table" title="Save the table as a file (state, drawings, books)">
          <Icon name="save" />
        </button>
        <button className="ghost" onClick={leaveTable} aria-label="Leave the table" title="Leave the table">
          <Icon name="leave" />
        </button>
      </div>
    </header>
  );
}
