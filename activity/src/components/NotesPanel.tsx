import { appendItem, removeItem } from '../model/collection';
import { newNote, readNotes, setNoteText, type Note } from '../model/notes';
import { useItemEditor, useList } from '../store/hooks';
import { useTable } from '../store/table-store';
import { Icon } from './Icon';
import { SyncedTextArea } from './SyncedText';

function NoteCard({ note }: { note: Note }) {
  const edit = useItemEditor('notes', note.id);
  const editList = useTable((s) => s.editList);
  return (
    <article className="card note">
      <SyncedTextArea aria-label="Note" value={note.text} rows={4} placeholder="Write something for everyone…" onText={(text) => edit((n) => setNoteText(n, text))} />
      <footer className="note-foot">
        <span className="muted">{note.author ? `by ${note.author}` : ''}</span>
        <button className="icon faint" aria-label="Delete note" onClick={() => editList('notes', (list) => removeItem(list, note.id))}>
          <Icon name="trash" size={18} />
        </button>
      </footer>
    </article>
  );
}

export function NotesPanel() {
  const notes = useList('notes', readNotes);
  const editList = useTable((s) => s.editList);
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
      <div className="notes-grid">
        {notes.map((note) => (
          <NoteCard key={note.id} note={note} />
        ))}
      </div>
    </div>
  );
}
