import { useState, type FormEvent } from 'react';
import { parseDice } from '../../../shared/dice';
import { useTable } from '../store/table-store';
import { DiceLog } from './DiceLog';

const QUICK = ['1d6', '2d6', '1d6+1d6', '1d20', '3d6'];

/** Rolls go to the server, which rolls and logs them for everyone; this form only checks the typing. */
export function DicePanel() {
  const [expression, setExpression] = useState('2d6');
  const [rolling, setRolling] = useState(false);
  const online = useTable((s) => s.status === 'connected' || s.status === 'catching-up');
  const rollDice = useTable((s) => s.rollDice);
  const parsed = parseDice(expression);

  const roll = async (text: string) => {
    setRolling(true);
    await rollDice(text);
    setRolling(false);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (parsed.ok) void roll(parsed.expression);
  };

  return (
    <div className="panel-body">
      <h2 className="panel-title">Dice</h2>
      <form className="dice-form" onSubmit={submit}>
        <input aria-label="Dice to roll" value={expression} onChange={(e) => setExpression(e.target.value)} placeholder="2d6+1" autoComplete="off" />
        <button className="primary" type="submit" disabled={!parsed.ok || rolling || !online}>
          Roll
        </button>
      </form>
      <p className={`hint${parsed.ok ? '' : ' error'}`}>{parsed.ok ? (online ? `Rolls ${parsed.expression}` : 'Rolling waits for the connection.') : parsed.message}</p>
      <div className="chips" aria-label="Quick rolls">
        {QUICK.map((quick) => (
          <button key={quick} className="chip" disabled={rolling || !online} onClick={() => void roll(quick)}>
            {quick}
          </button>
        ))}
      </div>
      <DiceLog />
    </div>
  );
}
