import { useEffect, useRef, type RefObject } from 'react';
import type { PageView } from '../../../../shared/layers-protocol';
import { centreOf, scrollFor, type Size } from '../../book/view-fit';
import { useBook } from '../../store/book-store';

/** The host's scroll goes out at most this often (navigation shares the live updates' rate budget). */
const SEND_EVERY_MS = 100;

const offsetIn = (scroller: HTMLElement, stage: HTMLElement) => {
  const outer = scroller.getBoundingClientRect();
  const inner = stage.getBoundingClientRect();
  return { left: inner.left - outer.left + scroller.scrollLeft, top: inner.top - outer.top + scroller.scrollTop };
};

/**
 * Keeps the part of the page in view in step with the view: the view's scroll fractions are
 * applied once the page has its size (a follower lands where the host looks, at any zoom and
 * screen size); the host's own scrolling goes out as the view's fractions.
 */
export function useScrollFollow(scroller: () => HTMLElement | null, stage: RefObject<HTMLDivElement | null>, view: PageView, size: Size | null): void {
  /** The fractions this player's own scrolling produced: applying them back would fight the scroll. */
  const own = useRef<{ scrollX: number; scrollY: number; size: Size } | null>(null);

  useEffect(() => {
    const element = scroller();
    if (!element || !stage.current || !size || view.scrollX === undefined || view.scrollY === undefined) return;
    // a zoom changes the size: then the host too is put back on the point it looked at
    const mine = own.current;
    if (mine && mine.scrollX === view.scrollX && mine.scrollY === view.scrollY && mine.size === size) return;
    const { left, top } = scrollFor({ scrollX: view.scrollX, scrollY: view.scrollY }, element, size, offsetIn(element, stage.current));
    element.scrollTo({ left, top });
  }, [scroller, stage, view.scrollX, view.scrollY, size]);

  useEffect(() => {
    const element = scroller();
    if (!element || !size) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const send = () => {
      timer = undefined;
      if (!stage.current) return;
      const centre = centreOf(element, size, offsetIn(element, stage.current));
      own.current = { ...centre, size };
      useBook.getState().scrollTo(centre);
    };
    const onScroll = () => {
      timer ??= setTimeout(send, SEND_EVERY_MS);
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      element.removeEventListener('scroll', onScroll);
      clearTimeout(timer);
    };
  }, [scroller, stage, size]);
}
