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

/** How long another player's plain pointer (with their name) stays after its last move. */
export const CURSOR_FADE_MS = 5000;

/**
 * The opacity of a pointer `age` ms after its last move: full for the first third of its time,
 * then fading out. A laser fades quickly; a plain pointer stays a while, so someone who left or
 * looked away does not leave their name on the page.
 */
export function pointerOpacity(age: number, laser = true): number {
  const span = laser ? LASER_FADE_MS : CURSOR_FADE_MS;
  if (age <= span / 3) return 1;
  if (age >= span) return 0;
  return Math.max(0, 1 - (age - span / 3) / ((span * 2) / 3));
}

/** Whether a mark still changes on screen (a stroke being drawn, a pointer not yet gone). */
export function isMoving(mark: LiveMark, now: number): boolean {
  return !!mark.stroke || (!!mark.pointer && pointerOpacity(now - mark.pointer.at, mark.pointer.laser) > 0);
}

export function isLiveData(value: unknown): value is LiveData {
  const data = value as LiveData | null;
  return typeof data?.pdfId === 'string' && typeof data.pageNum === 'number';
}
