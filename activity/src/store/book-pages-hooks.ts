import { useMemo } from 'react';
import { HIDDEN_PAGES_KEY, PRINTED_PAGE_ONE_KEY } from '../../../shared/roles-protocol';
import { labelsOf, printedPageOneOf, type PageLabels } from '../book/page-labels';
import { hiddenPagesOf, readHiddenPages } from '../model/table-roles';
import { useBook } from './book-store';
import { useBookIndex } from './book-index-store';
import { useIsStaff } from './roles-hooks';
import { useGameValue } from './hooks';

/** The open book's printed page labels: the game masters' numbering for it, else the PDF's own. */
export function usePageLabels(): PageLabels {
  const own = useBookIndex((s) => s.labels);
  const pdfId = useBookIndex((s) => s.pdfId);
  const numbering = useGameValue(PRINTED_PAGE_ONE_KEY);
  const pageCount = useBook((s) => s.pageCount);
  const first = printedPageOneOf(numbering, pdfId);
  return useMemo(() => labelsOf(own, first, pageCount), [own, first, pageCount]);
}

const NONE: ReadonlySet<number> = new Set();

/**
 * The pages of `pdfId` this player may not reach: those a game master hid, for a player; none
 * for a game master, who sees them marked instead.
 */
export function useHiddenFromMe(pdfId: string): ReadonlySet<number> {
  const hidden = useGameValue(HIDDEN_PAGES_KEY);
  const staff = useIsStaff();
  return useMemo(() => (staff ? NONE : hiddenPagesOf(readHiddenPages(hidden), pdfId)), [hidden, staff, pdfId]);
}
