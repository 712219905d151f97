import type { PdfData } from '../../../../shared/layers-protocol';
import { useBook } from '../../store/book-store';
import { RemoveBook } from './RemoveBook';

/**
 * A book pdf.js cannot read, marked as such in place of its page: the toolbar stays, so the host
 * can switch to another book or remove this one, and players know what is wrong.
 */
export function DamagedBook({ pdf, reason }: { pdf: PdfData; reason: string }) {
  const isHost = useBook((s) => s.isHost);
  return (
    <div className="book-damaged" role="alert" aria-label="Damaged book">
      <p>
        <strong>“{pdf.name}” is damaged</strong> and cannot be shown ({reason}).
      </p>
      <p className="muted">{isHost ? 'Remove it, or open another book from the list above.' : 'The host can remove it or open another book.'}</p>
      <RemoveBook pdf={pdf} />
    </div>
  );
}
