import { plainOf } from '../../../shared/patched-array';
import { HIDDEN_PAGES_KEY } from '../../../shared/roles-protocol';
import { hiddenPagesOf, readHiddenPages } from '../model/table-roles';
import { inviteFromLocation } from '../platform/join-invite';
import { sessionFromLocation } from '../platform/platform';
import { useBook } from '../store/book-store';
import { useTable } from '../store/table-store';
import { documentOf } from './pdf-documents';
import { pdfEngine } from './pdf-engine';
import { shownView } from './shown-view';

/**
 * Starts what the first page needs as soon as it is known, not when React gets to draw the book:
 * pdf.js (its module and its worker, 1.4 MB to fetch and compile) once the player is on their way to a table (a
 * table's or join link opened, before they have even given their name; inside Discord; any
 * join), and the book and its page once the table's state names them, while the table renders.
 */
function warmUpPdf(): void {
  pdfEngine()
    .then((engine) => engine.warmUpPdfWorker())
    // the book's own opening tries again and shows why it fails
    .catch((error: unknown) => console.warn('pdf.js could not be loaded ahead of the book', error));
}

export function openBooksEarly(): void {
  const { platform } = useTable.getState();
  if (platform.kind === 'discord' || sessionFromLocation(location.pathname, location.search) || inviteFromLocation(location.pathname)) {
    warmUpPdf();
  }
  useTable.subscribe(({ phase }) => {
    if (phase === 'joining' || phase === 'table') warmUpPdf();
  });
  let opened = '';
  useBook.subscribe(({ follow, pdfs }) => {
    const shown = shownView(follow.view, pdfs);
    const token = useTable.getState().identity?.token;
    const page = shown && `${shown.pdf.id}/${shown.view.currentPage}`;
    if (!shown || !token || !page || page === opened) return;
    opened = page;
    // a page a game master hid is left to the view, which knows who may see it
    const hidden = hiddenPagesOf(readHiddenPages(plainOf(useTable.getState().game[HIDDEN_PAGES_KEY])), shown.pdf.id).has(shown.view.currentPage);
    // pdf.js keeps the page it loaded: the view's own getPage gets this one
    void documentOf(shown.pdf, token)
      .then((document) => (hidden ? null : document.getPage(Math.min(shown.view.currentPage, document.numPages))))
      .catch(() => undefined); // the view opens it again and shows why it fails
  });
}
