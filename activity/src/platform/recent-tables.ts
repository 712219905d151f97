import { z } from 'zod';

/** A table this browser opened, for the lobby's list; kept in localStorage only. */
export interface RecentTable {
  sessionId: string;
  openedAt: number;
  /** What the lobby calls it: the book open when it was left, if any. */
  title?: string;
}

const KEY = 'gamebook-studio.recent-tables';
export const RECENT_TABLES_KEPT = 8;

const recentSchema = z.array(z.object({ sessionId: z.string().min(1).max(128), openedAt: z.number(), title: z.string().max(200).optional() }));

/** The tables opened here, newest first; anything unreadable counts as none. */
export function recentTables(storage: Storage): RecentTable[] {
  try {
    const parsed = recentSchema.safeParse(JSON.parse(storage.getItem(KEY) ?? '[]'));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Puts `sessionId` first, keeping the newest few; without a `title` it keeps the one it had. */
export function rememberTable(storage: Storage, sessionId: string, title?: string, now = Date.now()): void {
  const tables = recentTables(storage);
  const kept = title ?? tables.find((table) => table.sessionId === sessionId)?.title;
  const others = tables.filter((table) => table.sessionId !== sessionId);
  save(storage, [{ sessionId, openedAt: now, ...(kept ? { title: kept } : {}) }, ...others].slice(0, RECENT_TABLES_KEPT));
}

export function forgetTable(storage: Storage, sessionId: string): RecentTable[] {
  const kept = recentTables(storage).filter((table) => table.sessionId !== sessionId);
  save(storage, kept);
  return kept;
}

function save(storage: Storage, tables: RecentTable[]): void {
  try {
    storage.setItem(KEY, JSON.stringify(tables));
  } catch {
    // storage full or refused: the list is a convenience
  }
}
