import { memo } from 'react';
import { appendItem, restoreItem, takeItem, type RemovedItem } from '../model/collection';
import { newNote, readNotes, setNoteText, type Note } from '../model/notes';
import { editList, useItemEditor, useList } from '../store/hooks';
import { probeRender } from '../store/render-probe';
import { useTable } from '../store/table-store';
import { Icon } from './Icon';
import { SyncedTextArea } from './SyncedText';
import { WindowedList } from './WindowedList';

/** One note; renders again only when its own note changed (the reader keeps unchanged notes' objects). */
const NoteCard = memo(function NoteCard({ note }: { note: Note }) {
  probeRender('note', note.id);
  const edit = useItemEditor('notes', note.id);
  return (
    <article className="card note">
      <SyncedTextArea aria-label="Note" value={note.text} rows={4} placeholder="Write something for everyone…" onText={(text) => edit((n) => setNoteText(n, text))} />
      <footer className="note-foot">
        <span className="muted">{note.author ? `by ${note.author}` : ''}</span>
        <button className="icon faint" aria-label="Delete note" onClick={() => deleteNote(note.id)}>
          <Icon name="trash" size={18} />
        </button>
      </footer>
    </article>
  );
});

/** Deletes a note for everyone, with an undo that puts the same note (same id) back where it was. */
function deleteNote(id: string): void {
  let removed: RemovedItem | undefined;
  editList('notes', (list) => takeItem(list, id, (taken) => (removed = taken)));
  const taken = removed;
  if (!taken) return;
  useTable.getState().say('Note deleted.', { label: 'Undo', run: () => editList('notes', (list) => restoreItem(list, taken)) });
}

const noteCard = (note: Note) => <NoteCard key={note.id} note={note} />;

export function NotesPanel() {
  const notes = useList('notes', readNotes);
  const author = useTable((s) => s.identity?.user.name ?? '');
  return (
    <div className="panel-body">
      <div className="panel-head">
        <h2 className="panel-title">Shared notes</h2>
        <button className="accent" onClick={() => editList('notes', (list) => appendItem(list, newNote(author)))}>
          + Note
        </button>
      </div>
      {notes.length === 0 && <p className="empty">Maps, codewords, the paragraph you must not forget: everyone sees and edits these.</p>}
      <WindowedList items={notes} render={noteCard} className="notes-grid" gap={12} itemHeight={170} />
    </div>
  );
}
