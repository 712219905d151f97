import type { Page } from 'playwright-core';

/** The colour at a point of the book's overlay canvas, in CSS pixels from its top left: `r,g,b,a`. */
export function overlayColour(page: Page, x: number, y: number): Promise<string> {
  return page.locator('canvas.book-overlay').evaluate(
    (element, at) => {
      const canvas = element as HTMLCanvasElement;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const [r, g, b, a] = canvas.getContext('2d')!.getImageData(Math.round(at.x * ratio), Math.round(at.y * ratio), 1, 1).data;
      return `${r},${g},${b},${a}`;
    },
    { x, y },
  );
}
