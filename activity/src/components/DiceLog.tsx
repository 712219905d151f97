import { DICE_LOG_KEY, type DiceRoll } from '../../../shared/dice';
import { readDiceLog } from '../model/dice-log';
import { useTable } from '../store/table-store';
import { useMemo } from 'react';

function Faces({ roll }: { roll: DiceRoll }) {
  return (
    <span className="faces">
      {roll.groups.map((group, g) =>
        group.results.map((face, i) => (
          <span key={`${g}-${i}`} className={`die${group.sign < 0 ? ' minus' : ''}`} title={`d${group.sides}`}>
            {face}
          </span>
        )),
      )}
      {roll.modifier !== 0 && <span className="modifier">{roll.modifier > 0 ? `+${roll.modifier}` : roll.modifier}</span>}
    </span>
  );
}

/** The shared log, newest first: who rolled what, each die, and the total. */
export function DiceLog() {
  const raw = useTable((s) => s.game[DICE_LOG_KEY]);
  const rolls = useMemo(() => readDiceLog(raw), [raw]);
  if (rolls.length === 0) return <p className="empty">No rolls yet. The server rolls for everyone, so every roll is fair.</p>;
  return (
    <ol className="dice-log" aria-label="Dice log">
      {rolls.map((roll) => (
        <li key={roll.id} className="roll">
          <div className="roll-total" aria-label="Total">
            {roll.total}
          </div>
          <div className="roll-detail">
            <div>
              <strong>{roll.by.name}</strong> rolled <code>{roll.expression}</code>
            </div>
            <Faces roll={roll} />
          </div>
          <time className="muted" dateTime={new Date(roll.at).toISOString()}>
            {new Date(roll.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
          </time>
        </li>
      ))}
    </ol>
  );
}
