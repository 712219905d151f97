import { isJsonObject, type JsonValue } from '../../../shared/json';

/**
 * Printed page labels: what a page is called in the book ("iv", "212") as against its place in
 * the file (4, 230). From the page numbering a game master set for the book (printed page 1 is
 * page n of the file), else the PDF's own labels (`/PageLabels`, read by pdf.js), else the place.
 */
export type PageLabels = readonly string[] | null;

/** The file page a game master set as printed page 1 of `pdfId` (state key `printedPageOne`); null when none is set. */
export function printedPageOneOf(value: JsonValue | undefined, pdfId: string | null): number | null {
  const first = isJsonObject(value) && pdfId !== null ? value[pdfId] : undefined;
  return typeof first === 'number' && Number.isInteger(first) && first >= 1 ? first : null;
}

/**
 * The labels when printed page 1 is the file's page `first`: the pages before it (a cover, a
 * foreword) keep their place in brackets, "(2)", so that "2" means the printed page 2.
 */
export function numberedFrom(first: number, pageCount: number): string[] {
  return Array.from({ length: pageCount }, (_, index) => (index + 1 >= first ? String(index + 2 - first) : `(${index + 1})`));
}

/** The labels a book is read with: a game master's numbering wins over the PDF's own labels. */
export function labelsOf(own: PageLabels, first: number | null, pageCount: number): PageLabels {
  return first === null ? own : numberedFrom(first, pageCount);
}

/** What page `page` (1-based) is called. */
export function labelOf(page: number, labels: PageLabels): string {
  return labels?.[page - 1] || String(page);
}

/**
 * The page a player means by what they typed in the page field: a printed label first (a
 * gamebook's "212" is the page printed 212), else a page's place in the file; null when neither.
 */
export function pageOf(typed: string, labels: PageLabels, pageCount: number): number | null {
  const wanted = typed.trim();
  if (!wanted) return null;
  const labelled = labels ? labels.findIndex((label) => label.toLowerCase() === wanted.toLowerCase()) : -1;
  if (labelled >= 0) return labelled + 1;
  if (!/^\d+$/.test(wanted)) return null;
  const page = Number(wanted);
  return page >= 1 && page <= pageCount ? page : null;
}

/** Whether the labels say anything the page numbers do not (a PDF whose labels are 1, 2, 3… shows none). */
export function hasOwnLabels(labels: PageLabels): labels is readonly string[] {
  return !!labels && labels.some((label, index) => label !== String(index + 1));
}
