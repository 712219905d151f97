import { useIsStaff } from '../store/roles-hooks';
import { useTable, type Tab } from '../store/table-store';
import { Icon, type IconName } from './Icon';

const TABS: Array<{ tab: Tab; label: string; icon: IconName }> = [
  { tab: 'book', label: 'Book', icon: 'book' },
  { tab: 'sheets', label: 'Sheets', icon: 'sheet' },
  { tab: 'dice', label: 'Dice', icon: 'dice' },
  { tab: 'notes', label: 'Notes', icon: 'notes' },
  { tab: 'counters', label: 'Counters', icon: 'counters' },
  { tab: 'people', label: 'Players', icon: 'people' },
  { tab: 'gm', label: 'GM', icon: 'sheet' },
];

export function TabBar() {
  const current = useTable((s) => s.tab);
  const setTab = useTable((s) => s.setTab);
  const memberCount = useTable((s) => s.members.length);
  const staff = useIsStaff();
  return (
    <nav className="tab-bar" role="tablist" aria-label="Panels">
      {TABS.filter(({ tab }) => staff || tab !== 'gm').map(({ tab, label, icon }) => (
        <button
          key={tab}
          role="tab"
          className={`tab tab-${tab}`}
          aria-selected={current === tab}
          onClick={() => setTab(tab)}
        >
          <Icon name={icon} size={18} />
          <span className="tab-label">{label}</span>
          {tab === 'people' && memberCount > 0 && <span className="tab-count">{memberCount}</span>}
        </button>
      ))}
    </nav>
  );
}
