import { useDiscord } from '../store/discord-store';
import { useTable, type Tab } from '../store/table-store';
import { BookView } from './book/BookView';
import { CountersPanel } from './CountersPanel';
import { DiceNotice } from './DiceNotice';
import { DicePanel } from './DicePanel';
import { GmPanel } from './GmPanel';
import { TurnBanner } from './TurnBanner';
import { useIsStaff } from '../store/roles-hooks';
import { NotesPanel } from './NotesPanel';
import { PeoplePanel } from './PeoplePanel';
import { PresenceStrip } from './PresenceList';
import { SheetsPanel } from './sheets/SheetsPanel';
import { TabBar } from './TabBar';
import { TopBar } from './TopBar';

const PANELS: Record<Exclude<Tab, 'book'>, () => React.JSX.Element> = {
  sheets: SheetsPanel,
  dice: DicePanel,
  notes: NotesPanel,
  counters: CountersPanel,
  people: PeoplePanel,
  gm: GmPanel,
};

/**
 * The table: the book on the left and the side panels on the right on a wide screen; on a
 * phone one column, where the tab bar (at the bottom) also switches to the book.
 */
export function TableView() {
  const simple = useDiscord((s) => s.simple);
  const tab = useTable((s) => s.tab);
  const staff = useIsStaff();
  if (simple) return <SimpleTable />;
  // the book tab only exists on a phone; a wide screen shows the book and the sheets beside it;
  // a game master made a player again loses the game master tab
  const Panel = PANELS[tab === 'book' || (tab === 'gm' && !staff) ? 'sheets' : tab];
  return (
    <div className="table-app" data-tab={tab}>
      <TopBar />
      <DiceNotice />
      <main className="table-layout">
        <section className="book-area" aria-label="Book">
          <BookView />
        </section>
        <aside className="side-area">
          <TurnBanner />
          <TabBar />
          <section className="side-panel">
            <Panel />
          </section>
        </aside>
      </main>
    </div>
  );
}

/** Discord's picture-in-picture or grid tile: only the current page and the people, no toolbars. */
function SimpleTable() {
  return (
    <div className="table-simple">
      <section className="book-area" aria-label="Book">
        <BookView bare />
      </section>
      <PresenceStrip />
    </div>
  );
}
