import { z } from 'zod';
import { arrangedReader, newId, type ArrangedReader, type Item } from './collection';

/** A page a group marked, by name; shared in the table's state (`bookmarks`), so it outlives reloads and reaches everyone. */
const bookmarkSchema = z.object({
  id: z.string(),
  pdfId: z.string(),
  page: z.number().int().min(1),
  name: z.string().catch(''),
  by: z.string().catch(''),
});

export type Bookmark = z.infer<typeof bookmarkSchema>;

export const MAX_BOOKMARK_NAME = 80;

/** Bookmarks in page order; unreadable ones are left out. */
export const readBookmarks: ArrangedReader<Bookmark> = arrangedReader(bookmarkSchema, (marks) => [...marks].sort((a, b) => a.page - b.page));

/** A new bookmark on `page` of `pdfId`; a blank name becomes the page's label. */
export function newBookmark(pdfId: string, page: number, name: string, label: string, by: string): Item {
  return { id: newId('mark'), pdfId, page, name: name.trim().slice(0, MAX_BOOKMARK_NAME) || `Page ${label}`, by };
}
