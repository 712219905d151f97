import { DICE_LOG_KEY, type DiceRoll } from '../../../shared/dice';
import { readDiceLog } from '../model/dice-log';
import { probeRender } from '../store/render-probe';
import { useTable } from '../store/table-store';
import { memo } from 'react';

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

/** One roll; rolls never change, so it renders once (the reader keeps each roll's object). */
const RollEntry = memo(function RollEntry({ roll }: { roll: DiceRoll }) {
  probeRender('roll', roll.id);
  return (
    <li className="roll">
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
  );
});

/** The shared log, newest first: who rolled what, each die, and the total. */
export function DiceLog() {
  const rolls = readDiceLog(useTable((s) => s.game[DICE_LOG_KEY]));
  if (rolls.length === 0) return <p className="empty">No rolls yet. The server rolls for everyone, so every roll is fair.</p>;
  return (
    <ol className="dice-log" aria-label="Dice log">
      {rolls.map((roll) => (
        <RollEntry key={roll.id} roll={roll} />
      ))}
    </ol>
  );
}
