import { useEffect, useState } from 'react';
import { hasOwnLabels, labelOf, pageOf } from '../../book/page-labels';
import { useBook } from '../../store/book-store';
import { usePageLabels } from '../../store/book-pages-hooks';

/**
 * The page field: shows the page's printed label (or number); typing a label or a number and
 * Enter goes there. What cannot be a page, or is a page hidden from this player, is said so.
 */
export function PageField({ page }: { page: number }) {
  const pageCount = useBook((s) => s.pageCount);
  const labels = usePageLabels();
  const shown = labelOf(page, labels);
  const [typed, setTyped] = useState(shown);
  const [wrong, setWrong] = useState(false);
  useEffect(() => {
    setTyped(shown);
    setWrong(false);
  }, [shown]);

  const go = () => {
    const target = pageOf(typed, labels, pageCount);
    setWrong(target === null || !useBook.getState().goToPage(target));
  };
  return (
    <span className="page-field">
      <input
        type="text"
        inputMode={hasOwnLabels(labels) ? 'text' : 'numeric'}
        aria-label="Page number"
        aria-invalid={wrong}
        title={wrong ? 'No such page in this book' : 'Type a page and press Enter'}
        value={typed}
        size={Math.max(2, String(pageCount).length)}
        onChange={(event) => setTyped(event.target.value)}
        onFocus={(event) => event.target.select()}
        onBlur={() => setTyped(shown)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') go();
          if (event.key === 'Escape') setTyped(shown);
        }}
      />
      <span className="page-count" aria-label="Pages">
        {hasOwnLabels(labels) ? `(${page} of ${pageCount})` : `of ${pageCount}`}
      </span>
    </span>
  );
}
