import { useEffect } from 'react';
import { useBook } from '../../store/book-store';

/** Keys that turn the page, and by how much. Up and down stay the page's own scrolling. */
const STEPS: Record<string, number> = { PageDown: 1, ArrowRight: 1, PageUp: -1, ArrowLeft: -1 };

/** Whether a key goes to something the player types or chooses in, not to the book. */
function typingIn(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || !!target.closest('input, textarea, select'));
}

/** PageUp/PageDown and the left and right arrows turn the page, unless the player is typing in a field. */
export function useBookKeys(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const step = STEPS[event.key];
      if (!step || event.altKey || event.ctrlKey || event.metaKey || typingIn(event.target)) return;
      event.preventDefault();
      useBook.getState().turnPage(step);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}
