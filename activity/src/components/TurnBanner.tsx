import { readTurnOrder } from '../model/table-roles';
import { useTable } from '../store/table-store';
import { useGameValue } from '../store/hooks';

/** Whose turn it is, for everyone at the table, once a game master set a turn order. */
export function TurnBanner() {
  const turns = readTurnOrder(useGameValue('turnOrder'));
  const me = useTable((s) => s.identity?.user.id);
  const current = turns.order.find((entry) => entry.id === turns.current);
  if (!current) return null;
  return (
    <p className={`turn-banner${current.id === me ? ' mine' : ''}`} role="status" aria-label="Current turn">
      Turn: <strong>{current.id === me ? 'yours' : current.name}</strong>
    </p>
  );
}
