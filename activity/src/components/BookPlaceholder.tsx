import { useIsStaff } from '../store/roles-hooks';
import { PdfPickButton } from './book/PdfUpload';
import { Icon } from './Icon';

/** What the book area shows before the host or a game master opens a PDF. */
export function BookPlaceholder() {
  // the roles as they are now: a table handed over, or a co-host appointed, opens books at once
  const isStaff = useIsStaff();
  return (
    <div className="book-placeholder">
      <div className="book-art">
        <Icon name="book" size={72} />
      </div>
      <h2>No book is open yet</h2>
      <p className="muted">{isStaff ? 'Open a PDF gamebook, or drop one here, for everyone to read together.' : 'The book the host opens will appear here.'}</p>
      {isStaff && <PdfPickButton />}
    </div>
  );
}
