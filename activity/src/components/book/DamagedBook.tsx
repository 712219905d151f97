import type { PdfData } from '../../../../shared/layers-protocol';
import { useIsStaff } from '../../store/roles-hooks';
import { RemoveBook } from './RemoveBook';

/**
 * A book pdf.js cannot read, marked as such in place of its page: the toolbar stays, so the host
 * can switch to another book and a game master remove this one, and players know what is wrong.
 */
export function DamagedBook({ pdf, reason }: { pdf: PdfData; reason: string }) {
  const isStaff = useIsStaff();
  return (
    <div className="book-damaged" role="alert" aria-label="Damaged book">
      <p>
        <strong>“{pdf.name}” is damaged</strong> and cannot be shown ({reason}).
      </p>
      <p className="muted">{isStaff ? 'Remove it, or open another book from the list above.' : 'The host or a game master can remove it or open another book.'}</p>
      <RemoveBook pdf={pdf} />
    </div>
  );
}
