import { z } from 'zod';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../shared/json';
import type { GmContent, Role, TableRoles } from '../../../shared/roles-protocol';
import { newId } from './collection';

/** What a player is at the table, as the last roles the server sent say. */
export function roleIn(roles: TableRoles | null, userId: string | undefined): Role {
  if (!roles || !userId) return 'player';
  if (roles.hostId === userId) return 'host';
  return roles.gameMasters.includes(userId) ? 'game-master' : 'player';
}

export const isStaffRole = (role: Role) => role !== 'player';

const turnOrderSchema = z.object({
  order: z.array(z.object({ id: z.string(), name: z.string().catch('') })).catch([]),
  current: z.string().nullable().catch(null),
});

export type TurnOrder = z.infer<typeof turnOrderSchema>;

export const NO_TURNS: TurnOrder = { order: [], current: null };

/** The shared turn order (state key `turnOrder`); anything odd reads as none. */
export function readTurnOrder(value: JsonValue | undefined): TurnOrder {
  const parsed = turnOrderSchema.safeParse(value);
  return parsed.success ? parsed.data : NO_TURNS;
}

/** The next one's turn, round the order. */
export function nextTurn(turns: TurnOrder): TurnOrder {
  if (turns.order.length === 0) return turns;
  const at = turns.order.findIndex((entry) => entry.id === turns.current);
  return { ...turns, current: turns.order[(at + 1) % turns.order.length]?.id ?? null };
}

export function withTurnTaker(turns: TurnOrder, member: { id: string; name: string }): TurnOrder {
  if (turns.order.some((entry) => entry.id === member.id)) return turns;
  return { order: [...turns.order, { id: member.id, name: member.name }], current: turns.current ?? member.id };
}

export function withoutTurnTaker(turns: TurnOrder, id: string): TurnOrder {
  const order = turns.order.filter((entry) => entry.id !== id);
  return { order, current: turns.current === id ? (order[0]?.id ?? null) : turns.current };
}

export const toJson = (turns: TurnOrder): JsonObject => ({ order: turns.order.map(({ id, name }) => ({ id, name })), current: turns.current });

/** A page's key in the shared list of hidden pages (state key `hiddenPages`). */
export const pageKey = (pdfId: string, pageNum: number) => `${pdfId}:${pageNum}`;

export function readHiddenPages(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((key): key is string => typeof key === 'string') : [];
}

/** The pages of `pdfId` in the list of hidden pages. */
export function hiddenPagesOf(hidden: readonly string[], pdfId: string): Set<number> {
  const prefix = `${pdfId}:`;
  return new Set(hidden.filter((key) => key.startsWith(prefix)).map((key) => Number(key.slice(prefix.length))));
}

export function toggledPage(hidden: readonly string[], key: string): string[] {
  return hidden.includes(key) ? hidden.filter((each) => each !== key) : [...hidden, key];
}

/** Whether this player may edit a sheet: their own, one without an owner, or any for game masters. */
export function maySheetBeEdited(sheet: JsonValue | undefined, userId: string | undefined, staff: boolean): boolean {
  if (staff) return true;
  const owner = isJsonObject(sheet) ? sheet.ownerId : undefined;
  return typeof owner !== 'string' || owner === userId;
}

export function newGmNote(): { id: string; text: string } {
  return { id: newId('gmnote'), text: '' };
}

export function newHiddenMark(pdfId: string, pageNum: number, text: string): GmContent['marks'][number] {
  return { id: newId('mark'), pdfId, pageNum, x: 0.1, y: 0.1, text };
}
