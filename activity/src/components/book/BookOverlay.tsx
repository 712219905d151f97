import { useCallback, useEffect, useRef } from 'react';
import type { PageView } from '../../../../shared/layers-protocol';
import { backingSize } from '../../book/page-coords';
import { drawOverlay } from '../../book/overlay-renderer';
import { isMoving, type LiveMark } from '../../book/live-marks';
import { useBook } from '../../store/book-store';
import { useTable } from '../../store/table-store';
import { useOverlayInput } from './useOverlayInput';

/**
 * The canvas above the page: strokes, tokens, live strokes and pointers. It redraws itself on
 * animation frames when something changed; the PDF canvas under it is left alone.
 */
export function BookOverlay({ view, width, height, scroller }: { view: PageView; width: number; height: number; scroller: () => HTMLElement | null }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const dirty = useRef(true);
  const layersTick = useBook((s) => s.layersTick);
  const tool = useBook((s) => s.tool);
  const name = useTable((s) => s.identity?.user.name ?? '');
  const redraw = useCallback(() => {
    dirty.current = true;
  }, []);
  const { gesture, handlers } = useOverlayInput(view, name, redraw, scroller);
  const ratio = typeof devicePixelRatio === 'number' ? devicePixelRatio : 1;

  useEffect(redraw, [layersTick, view, width, height, redraw]);

  useEffect(() => {
    let frame = 0;
    const paint = () => {
      frame = requestAnimationFrame(paint);
      const element = canvas.current;
      const context = element?.getContext('2d');
      const now = performance.now();
      const marks = useBook
        .getState()
        .marks()
        .filter((mark) => mark.pdfId === view.pdfId && mark.pageNum === view.currentPage);
      // redraw until the last fading pointer is gone (one more frame clears it)
      const moving = marks.some((mark) => isMoving(mark, now - 100));
      if (!element || !context || (!dirty.current && !moving)) return;
      dirty.current = false;
      const { drawing, dragging, laser } = gesture.current;
      let layers = useBook.getState().layersOf(view.pdfId, view.currentPage);
      if (dragging) layers = { ...layers, tokens: layers.tokens.map((token) => (token.id === dragging.id ? dragging : token)) };
      const own: LiveMark[] = laser ? [{ from: { id: 'me', name }, pdfId: view.pdfId, pageNum: view.currentPage, pointer: { ...laser, laser: true, at: now } }] : [];
      drawOverlay(context, { layers, drawing, marks: [...marks, ...own], now }, view.scale, ratio);
    };
    frame = requestAnimationFrame(paint);
    return () => cancelAnimationFrame(frame);
  }, [view, ratio, gesture, name]);

  return (
    <canvas
      ref={canvas}
      className={`book-overlay tool-${tool}`}
      aria-label="Drawings and tokens"
      width={backingSize(width, ratio)}
      height={backingSize(height, ratio)}
      style={{ width, height }}
      {...handlers}
    />
  );
}
