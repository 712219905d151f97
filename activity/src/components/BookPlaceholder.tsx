import { useTable } from '../store/table-store';
import { Icon } from './Icon';

/** Where the shared book will render (issue 4's PDFs); until then it says so. */
export function BookPlaceholder() {
  const isHost = useTable((s) => s.role === 'host');
  return (
    <div className="book-placeholder">
      <div className="book-art">
        <Icon name="book" size={72} />
      </div>
      <h2>No book is open yet</h2>
      <p className="muted">
        {isHost ? 'Soon you will open a PDF gamebook here for everyone to read together.' : 'The book the host opens will appear here.'}
      </p>
    </div>
  );
}
