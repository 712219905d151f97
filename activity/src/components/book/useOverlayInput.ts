import { useRef, type PointerEvent as ReactPointerEvent } from 'react';
import type { PageView } from '../../../../shared/layers-protocol';
import { strokeAt, tokenAt, type Stroke, type Token } from '../../book/layer-items';
import { pinch, toPage, type Point } from '../../book/page-coords';
import { useBook } from '../../store/book-store';

/** What the overlay draws for this player between two frames: a stroke in progress, a token being dragged. */
export interface Gesture {
  drawing?: Stroke;
  dragging?: Token;
  laser?: Point;
}

const newId = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/**
 * Pointer input on the overlay, by tool: pen draws, eraser removes the stroke under it, token
 * places or drags one, laser points, hand pans. Two fingers pinch-zoom whatever the tool.
 */
export function useOverlayInput(view: PageView, name: string, redraw: () => void, scroller: () => HTMLElement | null) {
  const gesture = useRef<Gesture>({});
  const touches = useRef(new Map<number, Point>());
  const pinchStart = useRef<{ points: [Point, Point]; scale: number } | null>(null);
  const last = useRef<Point | null>(null);
  const book = useBook.getState;

  const where = (event: ReactPointerEvent) => toPage({ x: event.clientX, y: event.clientY }, event.currentTarget.getBoundingClientRect(), view.scale);
  const at = { pdfId: view.pdfId, pageNum: view.currentPage };

  const erase = (point: Point) => {
    const hit = strokeAt(book().layersOf(view.pdfId, view.currentPage), point, 6 / view.scale);
    if (hit) book().edit(view.pdfId, view.currentPage, { kind: 'remove', list: 'strokes', item: hit });
  };

  const onPointerDown = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    touches.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (touches.current.size === 2) {
      gesture.current = {};
      pinchStart.current = { points: [...touches.current.values()] as [Point, Point], scale: view.scale };
      return redraw();
    }
    const point = where(event);
    const { tool, color, width, userId } = book();
    last.current = { x: event.clientX, y: event.clientY };
    if (tool === 'pen') gesture.current = { drawing: { id: newId(), by: userId(), color, width, points: [[point.x, point.y]] } };
    else if (tool === 'eraser') erase(point);
    else if (tool === 'token') {
      const token = tokenAt(book().layersOf(view.pdfId, view.currentPage), point);
      const placed = token ?? { id: newId(), by: userId(), color, label: name.slice(0, 1).toUpperCase(), x: point.x, y: point.y, size: 1 };
      // the token touched or placed is the one the token editor (label, size, delete) works on
      book().selectToken(placed.id);
      if (token) gesture.current = { dragging: token };
      else book().edit(view.pdfId, view.currentPage, { kind: 'add', list: 'tokens', item: placed });
    } else if (tool === 'laser') gesture.current = { laser: point };
    redraw();
  };

  const onPointerMove = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    if (touches.current.has(event.pointerId)) touches.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pinchStart.current && touches.current.size === 2) {
      const { factor } = pinch(pinchStart.current.points, [...touches.current.values()] as [Point, Point]);
      const scale = pinchStart.current.scale * factor;
      if (Math.abs(scale / view.scale - 1) > 0.04) book().zoomTo(scale);
      return;
    }
    const point = where(event);
    const { tool } = book();
    const current = gesture.current;
    if (current.drawing) current.drawing.points.push([point.x, point.y]);
    if (current.dragging) current.dragging = { ...current.dragging, ...point };
    if (tool === 'laser') current.laser = point;
    if (tool === 'eraser' && event.buttons) erase(point);
    if (tool === 'hand' && event.buttons && last.current) {
      scroller()?.scrollBy(last.current.x - event.clientX, last.current.y - event.clientY);
      last.current = { x: event.clientX, y: event.clientY };
    }
    book().sendLive({ ...at, pointer: { ...point, laser: tool === 'laser' }, stroke: current.drawing });
    redraw();
  };

  const onPointerUp = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    touches.current.delete(event.pointerId);
    if (touches.current.size < 2) pinchStart.current = null;
    const { drawing, dragging } = gesture.current;
    gesture.current = {};
    last.current = null;
    if (drawing && drawing.points.length > 0) {
      book().edit(view.pdfId, view.currentPage, { kind: 'add', list: 'strokes', item: drawing });
      book().sendLive({ ...at, stroke: null }, true);
    }
    if (dragging) {
      const before = book().layersOf(view.pdfId, view.currentPage).tokens.find((token) => token.id === dragging.id);
      if (before && (before.x !== dragging.x || before.y !== dragging.y)) {
        book().edit(view.pdfId, view.currentPage, { kind: 'move', id: dragging.id, from: { x: before.x, y: before.y }, to: { x: dragging.x, y: dragging.y } });
      }
    }
    redraw();
  };

  return { gesture, handlers: { onPointerDown, onPointerMove, onPointerUp, onPointerCancel: onPointerUp } };
}
