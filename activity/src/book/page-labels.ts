/**
 * Printed page labels: what a page is called in the book ("iv", "212") as against its place in
 * the file (4, 230). From the PDF's own labels (`/PageLabels`, read by pdf.js), or else the
 * place itself.
 */
export type PageLabels = readonly string[] | null;

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
