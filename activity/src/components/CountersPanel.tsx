import { appendItem, removeItem } from '../model/collection';
import { newCounter, readCounters, renameCounter, setCounter, stepCounter, type Counter } from '../model/counters';
import { useItemEditor, useList } from '../store/hooks';
import { useTable } from '../store/table-store';
import { AddForm } from './AddForm';
import { Stepper } from './Stepper';
import { SyncedInput } from './SyncedText';
import { Icon } from './Icon';

function CounterCard({ counter }: { counter: Counter }) {
  const edit = useItemEditor('counters', counter.id);
  const editList = useTable((s) => s.editList);
  const label = counter.label || 'Counter';
  return (
    <article className="card counter">
      <div className="counter-head">
        <SyncedInput className="counter-label" aria-label="Counter name" value={counter.label} maxLength={48} onText={(text) => edit((c) => renameCounter(c, text))} />
        <button className="icon faint" aria-label={`Remove counter ${label}`} onClick={() => editList('counters', (list) => removeItem(list, counter.id))}>
          <Icon name="trash" size={18} />
        </button>
      </div>
      <Stepper
        big
        label={label}
        value={counter.value}
        onStep={(step) => edit((c) => stepCounter(c, step))}
        onSet={(value) => edit((c) => setCounter(c, value))}
      />
    </article>
  );
}

export function CountersPanel() {
  const counters = useList('counters', readCounters);
  const editList = useTable((s) => s.editList);
  return (
    <div className="panel-body">
      <h2 className="panel-title">Counters</h2>
      <AddForm label="New counter" placeholder="Add a counter (e.g. Time, Honour)" onAdd={(label) => editList('counters', (list) => appendItem(list, newCounter(label)))} />
      {counters.length === 0 && <p className="empty">Track anything the book counts: time, honour, meals eaten.</p>}
      <div className="counters-grid">
        {counters.map((counter) => (
          <CounterCard key={counter.id} counter={counter} />
        ))}
      </div>
    </div>
  );
}
