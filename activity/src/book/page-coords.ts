/**
 * Annotations live in page coordinates (PDF units, origin at the top left of the page as
 * pdf.js shows it), so every zoom and screen shows them in the same place. On screen a page
 * unit is `scale` CSS pixels, and the canvas has `pixelRatio` device pixels per CSS pixel.
 */
export interface Point {
  x: number;
  y: number;
}

export interface Box {
  left: number;
  top: number;
}

/** A pointer's client position over an element at `box` to page units. */
export function toPage(client: Point, box: Box, scale: number): Point {
  return { x: round((client.x - box.left) / scale), y: round((client.y - box.top) / scale) };
}

/** Page units to CSS pixels from the page's top left. */
export function toScreen(point: Point, scale: number): Point {
  return { x: point.x * scale, y: point.y * scale };
}

/** Backing-store size of a canvas that covers `cssSize` CSS pixels sharply. */
export function backingSize(cssSize: number, pixelRatio: number): number {
  return Math.max(1, Math.round(cssSize * pixelRatio));
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Two fingers: the zoom factor of their spread and the midpoint between them. */
export function pinch(before: [Point, Point], after: [Point, Point]): { factor: number; center: Point } {
  const start = distance(before[0], before[1]);
  const factor = start > 0 ? distance(after[0], after[1]) / start : 1;
  return { factor, center: { x: (after[0].x + after[1].x) / 2, y: (after[0].y + after[1].y) / 2 } };
}

/** Two decimals are a hundredth of a point: finer than any screen, and small on the wire. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}
