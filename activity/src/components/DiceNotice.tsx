import { useEffect, useRef, useState } from 'react';
import { DICE_LOG_KEY, type DiceRoll } from '../../../shared/dice';
import { newRolls, readDiceLog } from '../model/dice-log';
import { useTable } from '../store/table-store';

const SHOWN_MS = 6000;

/** A roll made while this player looks at another tab than Dice: a short notice at the top, with a way there. */
export function DiceNotice() {
  const rolls = readDiceLog(useTable((s) => s.game[DICE_LOG_KEY]));
  const onDice = useTable((s) => s.tab === 'dice');
  const seen = useRef(rolls);
  const [shown, setShown] = useState<DiceRoll | null>(null);

  useEffect(() => {
    const fresh = newRolls(seen.current, rolls, Date.now())[0];
    seen.current = rolls;
    if (fresh) setShown(fresh);
  }, [rolls]);
  useEffect(() => {
    if (!shown) return;
    const timer = setTimeout(() => setShown(null), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [shown]);

  if (!shown || onDice) return null;
  return (
    <div className="dice-notice" role="status" aria-label="Dice roll">
      <span>
        <strong>{shown.by.name}</strong> rolled <code>{shown.expression}</code>: <strong className="dice-notice-total">{shown.total}</strong>
      </span>
      <button className="link" onClick={() => useTable.getState().setTab('dice')}>
        See the dice
      </button>
    </div>
  );
}
