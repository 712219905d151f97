import { useState, type FormEvent } from 'react';
import {
  newGmNote,
  newHiddenMark,
  nextTurn,
  pageKey,
  readHiddenPages,
  readTurnOrder,
  toggledPage,
  toJson,
  withoutTurnTaker,
  withTurnTaker,
} from '../model/table-roles';
import { HIDDEN_PAGES_KEY, PRINTED_PAGE_ONE_KEY, TURN_ORDER_KEY, type GmNote } from '../../../shared/roles-protocol';
import { isJsonObject } from '../../../shared/json';
import { printedPageOneOf } from '../book/page-labels';
import { useBook } from '../store/book-store';
import { useGm } from '../store/gm-store';
import { useGameValue } from '../store/hooks';
import { useTable } from '../store/table-store';
import { Icon } from './Icon';
import { SyncedTextArea } from './SyncedText';

/** The game masters' tools: private notes, hidden marks, the turn order, hiding a page, page numbering. Only they see it. */
export function GmPanel() {
  return (
    <div className="panel-body gm-panel">
      <h2 className="panel-title">Game master</h2>
      <TurnOrder />
      <PageVisibility />
      <PageNumbering />
      <PrivateNotes />
      <HiddenMarks />
    </div>
  );
}

function PrivateNotes() {
  const notes = useGm((s) => s.gm?.notes ?? []);
  const { changeGm } = useGm.getState();
  return (
    <section className="card" aria-label="Private notes">
      <div className="panel-head">
        <h3 className="small-caps">Private notes</h3>
        <button className="accent" onClick={() => void changeGm({ op: 'put-note', note: newGmNote() })}>
          + GM note
        </button>
      </div>
      {notes.length === 0 && <p className="empty">Only game masters see these: the server never sends them to players.</p>}
      {notes.map((note) => (
        <GmNoteEditor key={note.id} note={note} />
      ))}
    </section>
  );
}

/**
 * Typing goes to the server as it is typed, this note alone, merged with what other game masters
 * type in it; their words appear as they arrive, with the caret kept where the user types.
 */
function GmNoteEditor({ note }: { note: GmNote }) {
  const text = useGm((s) => s.drafts[note.id]?.text ?? note.text);
  const { changeGm, typeGmNote, flushGmNote } = useGm.getState();
  const remove = () => void changeGm({ op: 'remove-note', id: note.id });
  return (
    <div className="gm-note">
      <SyncedTextArea
        aria-label="GM note"
        rows={3}
        value={text}
        maxLength={20_000}
        onText={(typed) => typeGmNote(note.id, typed)}
        onBlur={() => flushGmNote(note.id)}
        placeholder="Secrets, plans, what lies behind the door…"
      />
      <button className="icon faint" aria-label="Delete GM note" onClick={remove}>
        <Icon name="trash" size={18} />
      </button>
    </div>
  );
}

function useShownPage(): { pdfId: string; pageNum: number } | null {
  const view = useBook((s) => s.follow.view);
  const first = useBook((s) => s.pdfs[0]?.id);
  if (view) return { pdfId: view.pdfId, pageNum: view.currentPage };
  return first ? { pdfId: first, pageNum: 1 } : null;
}

function HiddenMarks() {
  const marks = useGm((s) => s.gm?.marks ?? []);
  const page = useShownPage();
  const [text, setText] = useState('');
  const { changeGm } = useGm.getState();
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!page || !text.trim()) return;
    void changeGm({ op: 'put-mark', mark: newHiddenMark(page.pdfId, page.pageNum, text.trim()) });
    setText('');
  };
  return (
    <section className="card" aria-label="Hidden layer">
      <h3 className="small-caps">Hidden layer</h3>
      <ul className="gm-marks">
        {marks.map((mark) => (
          <li key={mark.id}>
            p. {mark.pageNum}: {mark.text}
            <button className="icon faint" aria-label={`Delete mark ${mark.text}`} onClick={() => void changeGm({ op: 'remove-mark', id: mark.id })}>
              <Icon name="trash" size={16} />
            </button>
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={add}>
        <input aria-label="Hidden mark" value={text} maxLength={500} onChange={(e) => setText(e.target.value)} placeholder={page ? `A mark on page ${page.pageNum}` : 'Open a book first'} disabled={!page} />
        <button type="submit" disabled={!page || !text.trim()}>
          Pin
        </button>
      </form>
    </section>
  );
}

function TurnOrder() {
  const turns = readTurnOrder(useGameValue(TURN_ORDER_KEY));
  const members = useTable((s) => s.members);
  const { setShared } = useGm.getState();
  const save = (next: typeof turns) => setShared(TURN_ORDER_KEY, toJson(next));
  const waiting = members.filter((member) => !turns.order.some((entry) => entry.id === member.id));
  return (
    <section className="card" aria-label="Turn order">
      <div className="panel-head">
        <h3 className="small-caps">Turn order</h3>
        <button onClick={() => save(nextTurn(turns))} disabled={turns.order.length === 0}>
          Next turn
        </button>
      </div>
      <ol className="turn-order">
        {turns.order.map((entry) => (
          <li key={entry.id} className={entry.id === turns.current ? 'current' : ''}>
            {entry.name}
            <button className="icon faint" aria-label={`Take ${entry.name} out of the turn order`} onClick={() => save(withoutTurnTaker(turns, entry.id))}>
              <Icon name="trash" size={16} />
            </button>
          </li>
        ))}
      </ol>
      <div className="row wrap">
        {waiting.map((member) => (
          <button key={member.id} className="small" onClick={() => save(withTurnTaker(turns, member))} aria-label={`Add ${member.name} to the turn order`}>
            + {member.name}
          </button>
        ))}
      </div>
    </section>
  );
}

function PageVisibility() {
  const hidden = readHiddenPages(useGameValue(HIDDEN_PAGES_KEY));
  const page = useShownPage();
  if (!page) return null;
  const key = pageKey(page.pdfId, page.pageNum);
  const isHidden = hidden.includes(key);
  return (
    <section className="card row" aria-label="Page visibility">
      <span>Page {page.pageNum} is {isHidden ? 'hidden from players' : 'shown to everyone'}.</span>
      <button onClick={() => useGm.getState().setShared(HIDDEN_PAGES_KEY, toggledPage(hidden, key))}>{isHidden ? 'Reveal page' : 'Hide page'}</button>
    </section>
  );
}

/** Printed page 1 is page n of the file: for a book whose PDF does not say how its pages are numbered. */
function PageNumbering() {
  const numbering = useGameValue(PRINTED_PAGE_ONE_KEY);
  const pageCount = useBook((s) => s.pageCount);
  const page = useShownPage();
  const first = printedPageOneOf(numbering, page?.pdfId ?? null);
  const [typed, setTyped] = useState('');
  if (!page) return null;
  const save = (value: number | null) => {
    const others = Object.fromEntries(Object.entries(isJsonObject(numbering) ? numbering : {}).filter(([pdfId]) => pdfId !== page.pdfId));
    useGm.getState().setShared(PRINTED_PAGE_ONE_KEY, value === null ? others : { ...others, [page.pdfId]: value });
  };
  const wanted = Number(typed);
  const valid = Number.isInteger(wanted) && wanted >= 1 && wanted <= pageCount;
  return (
    <section className="card" aria-label="Printed numbering">
      <h3 className="small-caps">Printed numbering</h3>
      <p className="muted">{first === null ? "As the PDF says (or the pages' places)." : `Printed page 1 is page ${first} of the file.`}</p>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (!valid) return;
          save(wanted);
          setTyped('');
        }}
      >
        <label className="row">
          Printed page 1 is page
          <input aria-label="File page of printed page 1" inputMode="numeric" size={4} value={typed} placeholder={String(page.pageNum)} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <button type="submit" disabled={!valid}>
          Set
        </button>
        {first !== null && (
          <button type="button" onClick={() => save(null)}>
            As the PDF says
          </button>
        )}
      </form>
    </section>
  );
}
