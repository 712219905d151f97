import { Lobby } from './components/Lobby';
import { NoticeToast } from './components/NoticeToast';
import { SignIn } from './components/SignIn';
import { Stopped } from './components/Stopped';
import { TableView } from './components/TableView';
import { useTable } from './store/table-store';

export function App() {
  const phase = useTable((s) => s.phase);
  return (
    <>
      {phase === 'signed-out' && <SignIn />}
      {(phase === 'lobby' || phase === 'joining') && <Lobby />}
      {phase === 'table' && <TableView />}
      {phase === 'stopped' && <Stopped />}
      <NoticeToast />
    </>
  );
}
