import { z } from 'zod';
import type { JsonObject } from '../../../shared/json';
import type { Layers } from '../../../shared/layers-protocol';
import { distance, type Point } from './page-coords';

/**
 * A page's layers: finished strokes and tokens, each with an id (the server merges concurrent
 * edits item by item) and its author. Coordinates are page units (see page-coords.ts).
 */
const strokeSchema = z.object({
  id: z.string(),
  by: z.string().catch(''),
  color: z.string().catch('#b3261e'),
  width: z.number().positive().catch(3),
  points: z.array(z.tuple([z.number(), z.number()])).catch([]),
});

/** The sizes a token can take, as multiples of TOKEN_RADIUS. */
export const TOKEN_SIZES = [0.75, 1, 1.5, 2.5] as const;

const tokenSchema = z.object({
  id: z.string(),
  by: z.string().catch(''),
  color: z.string().catch('#b3261e'),
  label: z.string().catch(''),
  x: z.number().catch(0),
  y: z.number().catch(0),
  /** Times the standard radius; tokens from before sizes existed are standard. */
  size: z.number().min(TOKEN_SIZES[0]).max(TOKEN_SIZES.at(-1)!).catch(1),
});

export type Stroke = z.infer<typeof strokeSchema>;
export type Token = z.infer<typeof tokenSchema>;
export type ListKey = 'strokes' | 'tokens';
export type LayerItem = Stroke | Token;

export interface PageLayers {
  strokes: Stroke[];
  tokens: Token[];
}

export const EMPTY_LAYERS: PageLayers = { strokes: [], tokens: [] };

/** Reads a page's layers tolerantly: items someone wrote oddly are skipped, not fatal. */
export function readLayers(raw: Layers | undefined): PageLayers {
  if (!raw || Array.isArray(raw)) return EMPTY_LAYERS;
  return { strokes: readList(raw.strokes, strokeSchema), tokens: readList(raw.tokens, tokenSchema) };
}

function readList<T>(value: unknown, schema: z.ZodType<T>): T[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/** What a `move` edit changes of a token: its place, and also its label or size. */
export type TokenFields = Partial<Pick<Token, 'x' | 'y' | 'label' | 'size'>>;

/** One change to a page, which the undo stack can also invert. */
export type LayerEdit =
  | { kind: 'add'; list: ListKey; item: LayerItem }
  | { kind: 'remove'; list: ListKey; item: LayerItem }
  | { kind: 'move'; id: string; from: TokenFields; to: TokenFields };

export function applyEdit(layers: PageLayers, edit: LayerEdit): PageLayers {
  switch (edit.kind) {
    case 'add': {
      const list = layers[edit.list] as LayerItem[];
      if (list.some((item) => item.id === edit.item.id)) return layers;
      return { ...layers, [edit.list]: [...list, edit.item] };
    }
    case 'remove': {
      const list = layers[edit.list] as LayerItem[];
      return { ...layers, [edit.list]: list.filter((item) => item.id !== edit.item.id) };
    }
    case 'move':
      return { ...layers, tokens: layers.tokens.map((token) => (token.id === edit.id ? { ...token, ...edit.to } : token)) };
  }
}

export function invertEdit(edit: LayerEdit): LayerEdit {
  switch (edit.kind) {
    case 'add':
      return { ...edit, kind: 'remove' };
    case 'remove':
      return { ...edit, kind: 'add' };
    case 'move':
      return { ...edit, from: edit.to, to: edit.from };
  }
}

/** Whether an edit can still be applied: undoing a move of a token someone removed does nothing. */
export function applies(layers: PageLayers, edit: LayerEdit): boolean {
  if (edit.kind === 'move') return layers.tokens.some((token) => token.id === edit.id);
  const present = (layers[edit.list] as LayerItem[]).some((item) => item.id === edit.item.id);
  return edit.kind === 'add' ? !present : present;
}

export function toJson(layers: PageLayers): JsonObject {
  return { strokes: layers.strokes, tokens: layers.tokens } as unknown as JsonObject;
}

/** The topmost stroke that passes within `radius` page units of `point` (the eraser's target). */
export function strokeAt(layers: PageLayers, point: Point, radius: number): Stroke | undefined {
  return layers.strokes.findLast((stroke) => {
    const reach = radius + stroke.width / 2;
    // the segments between points, not only the points: a quick stroke has few of them
    return stroke.points.some(([x, y], i) => {
      const [px, py] = stroke.points[i - 1] ?? [x, y];
      return segmentDistance(point, { x: px, y: py }, { x, y }) <= reach;
    });
  });
}

function segmentDistance(point: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((point.x - a.x) * dx + (point.y - a.y) * dy) / length));
  return distance(point, { x: a.x + t * dx, y: a.y + t * dy });
}

export const TOKEN_RADIUS = 12;

export function tokenRadius(token: Token): number {
  return TOKEN_RADIUS * token.size;
}

export function tokenAt(layers: PageLayers, point: Point): Token | undefined {
  return layers.tokens.findLast((token) => distance(token, point) <= tokenRadius(token));
}

/** The edit that sets `fields` of `token`, with what they were, so that undo puts them back. */
export function changeToken(token: Token, fields: TokenFields): LayerEdit {
  const from = Object.fromEntries(Object.keys(fields).map((key) => [key, token[key as keyof TokenFields]])) as TokenFields;
  return { kind: 'move', id: token.id, from, to: fields };
}
