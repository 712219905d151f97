import type { Point } from './page-coords';

/**
 * What others are doing right now, as live updates tell: their pointer (a laser that fades) and
 * the stroke they are drawing. Kept per sender and page; never stored.
 */
export interface LiveMark {
  from: { id: string; name: string };
  pdfId: string;
  pageNum: number;
  pointer?: Point & { laser: boolean; at: number };
  stroke?: { id: string; color: string; width: number; points: Array<[number, number]> };
}

/** How long a laser point stays visible after its last move. */
export const LASER_FADE_MS = 1500;

/** A live update's `data`: where it is, and what moved. */
export interface LiveData {
  pdfId: string;
  pageNum: number;
  pointer?: Point & { laser: boolean };
  stroke?: LiveMark['stroke'] | null;
}

export function applyLive(marks: Map<string, LiveMark>, from: LiveMark['from'], data: LiveData, now: number): void {
  const previous = marks.get(from.id);
  const samePage = previous && previous.pdfId === data.pdfId && previous.pageNum === data.pageNum;
  const mark: LiveMark = samePage ? { ...previous, from } : { from, pdfId: data.pdfId, pageNum: data.pageNum };
  if (data.pointer) mark.pointer = { ...data.pointer, at: now };
  if (data.stroke === null) delete mark.stroke;
  else if (data.stroke) mark.stroke = data.stroke;
  marks.set(from.id, mark);
}

/** The opacity of a pointer `age` ms after its last move: full, then fading out. */
export function pointerOpacity(age: number): number {
  if (age <= LASER_FADE_MS / 3) return 1;
  return Math.max(0, 1 - (age - LASER_FADE_MS / 3) / ((LASER_FADE_MS * 2) / 3));
}

export function isLiveData(value: unknown): value is LiveData {
  const data = value as LiveData | null;
  return typeof data?.pdfId === 'string' && typeof data.pageNum === 'number';
}
