import { addStat, removeStat, setStatLabel, setStatScore, stepStat } from '../../model/characters';
import { AddForm } from '../AddForm';
import { Stepper } from '../Stepper';
import { SyncedInput } from '../SyncedText';
import type { SheetPartProps } from './sheet-part';

/** The scores: current value with −/+, and the initial score beside it when the stat has one. */
export function StatList({ character, title, edit }: SheetPartProps) {
  return (
    <section className="stats" aria-label="Stats">
      {character.stats.map((stat) => (
        <div className="stat" key={stat.id}>
          <SyncedInput className="stat-label small-caps" aria-label="Stat name" value={stat.label} maxLength={32} onText={(label) => edit((c) => setStatLabel(c, stat.id, label))} />
          <Stepper
            label={`${title} ${stat.label}`}
            value={stat.value}
            onStep={(step) => edit((c) => stepStat(c, stat.id, step))}
            onSet={(value) => edit((c) => setStatScore(c, stat.id, 'value', value))}
          />
          {stat.initial !== null && stat.initial !== undefined && (
            <label className="initial" title="Initial score">
              <span aria-hidden="true">/</span>
              <input aria-label={`${title} initial ${stat.label}`} inputMode="numeric" value={String(stat.initial)} onChange={(e) => edit((c) => setStatScore(c, stat.id, 'initial', Number.parseInt(e.target.value, 10) || 0))} />
            </label>
          )}
          <button className="icon faint" aria-label={`Remove stat ${stat.label}`} onClick={() => edit((c) => removeStat(c, stat.id))}>
            ✕
          </button>
        </div>
      ))}
      <AddForm label={`New stat for ${title}`} placeholder="Add a stat (e.g. Honour)" onAdd={(label) => edit((c) => addStat(c, label))} />
    </section>
  );
}
