/**
 * Fitting a page to the book area, and where in the page a player looks: the point at the
 * centre of their view as fractions of the page (0 to 1 across, 0 to 1 down), which is what a
 * follower with another screen size needs to see the same part of the page.
 */
export interface Size {
  width: number;
  height: number;
}

export type FitMode = 'width' | 'page';

/** Room left around a fitted page (its shadow, the scroller's edge), in CSS pixels. */
const FIT_MARGIN = 16;

/** The scale at which a page of `page` units fits `area` CSS pixels: its width, or all of it. */
export function fitScale(mode: FitMode, page: Size, area: Size): number {
  const across = (area.width - FIT_MARGIN) / page.width;
  const down = (area.height - FIT_MARGIN) / page.height;
  return Math.max(0.01, mode === 'width' ? across : Math.min(across, down));
}

export interface ScrollBox {
  scrollLeft: number;
  scrollTop: number;
  clientWidth: number;
  clientHeight: number;
}

/** The point of a page of `stage` CSS pixels (starting at `offset` in the scroller) at the centre of the view. */
export function centreOf(scroller: ScrollBox, stage: Size, offset: { left: number; top: number }): { scrollX: number; scrollY: number } {
  const at = (scroll: number, client: number, start: number, length: number) => clamp01(round((scroll + client / 2 - start) / length));
  return {
    scrollX: at(scroller.scrollLeft, scroller.clientWidth, offset.left, stage.width),
    scrollY: at(scroller.scrollTop, scroller.clientHeight, offset.top, stage.height),
  };
}

/** The scroll that puts the point (`scrollX`, `scrollY`) of the page at the centre of the view (the browser clamps it to what it can). */
export function scrollFor(centre: { scrollX: number; scrollY: number }, scroller: Pick<ScrollBox, 'clientWidth' | 'clientHeight'>, stage: Size, offset: { left: number; top: number }): { left: number; top: number } {
  return {
    left: Math.round(offset.left + centre.scrollX * stage.width - scroller.clientWidth / 2),
    top: Math.round(offset.top + centre.scrollY * stage.height - scroller.clientHeight / 2),
  };
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** Four decimals: a tenth of a pixel on a page 1,000 pixels tall, and short on the wire. */
function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
