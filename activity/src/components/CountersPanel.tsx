import { memo } from 'react';
import { appendItem, removeItem } from '../model/collection';
import { newCounter, readCounters, renameCounter, setCounter, stepCounter, type Counter } from '../model/counters';
import { editList, useItemEditor, useList } from '../store/hooks';
import { probeRender } from '../store/render-probe';
import { AddForm } from './AddForm';
import { Stepper } from './Stepper';
import { SyncedInput } from './SyncedText';
import { Icon } from './Icon';
import { WindowedList } from './WindowedList';

/** One counter; renders again only when its own counter changed. */
const CounterCard = memo(function CounterCard({ counter }: { counter: Counter }) {
  probeRender('counter', counter.id);
  const edit = useItemEditor('counters', counter.id);
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
});

const counterCard = (counter: Counter) => <CounterCard key={counter.id} counter={counter} />;

export function CountersPanel() {
  const counters = useList('counters', readCounters);
  return (
    <div className="panel-body">
      <h2 className="panel-title">Counters</h2>
      <AddForm label="New counter" placeholder="Add a counter (e.g. Time, Honour)" onAdd={(label) => editList('counters', (list) => appendItem(list, newCounter(label)))} />
      {counters.length === 0 && <p className="empty">Track anything the book counts: time, honour, meals eaten.</p>}
      <WindowedList items={counters} render={counterCard} className="counters-grid" gap={12} itemHeight={70} />
    </div>
  );
}
