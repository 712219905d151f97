import { useState } from 'react';
import type { PdfData } from '../../../../shared/layers-protocol';
import { useBook } from '../../store/book-store';
import { useIsStaff } from '../../store/roles-hooks';
import { useTable } from '../../store/table-store';

/** Host and game masters: removes a book and its drawings for everyone, after a confirmation. */
export function RemoveBook({ pdf }: { pdf: PdfData }) {
  const isStaff = useIsStaff();
  const [asking, setAsking] = useState(false);
  const [removing, setRemoving] = useState(false);
  if (!isStaff) return null;
  if (!asking) {
    return (
      <button type="button" className="danger-ghost" onClick={() => setAsking(true)}>
        Remove book
      </button>
    );
  }
  const remove = async () => {
    setRemoving(true);
    try {
      await useBook.getState().removeBook(pdf.id);
    } catch (error) {
      useTable.getState().say(`The book was not removed: ${error instanceof Error ? error.message : 'something went wrong'}`);
      setRemoving(false);
      setAsking(false);
    }
  };
  return (
    <span className="confirm" role="group" aria-label="Confirm removing the book">
      <span>Remove “{pdf.name}” and its drawings for everyone?</span>
      <button type="button" className="danger" disabled={removing} onClick={() => void remove()}>
        Remove
      </button>
      <button type="button" disabled={removing} onClick={() => setAsking(false)}>
        Keep it
      </button>
    </span>
  );
}
