import { memo, useCallback, useEffect, useReducer, useRef, useState, type FocusEvent, type ReactNode } from 'react';
import type { IndexedList } from '../model/shown-list';

/**
 * Items per chunk: a multiple of the column counts a panel's grid shows (1 to 4, and 6), so
 * that every chunk but the last ends on a full row and the grid reads as one. Small, because a
 * change of one item renders its whole chunk again (the other items bail out of rendering, but
 * each still costs a comparison).
 */
export const CHUNK_ITEMS = 12;

/** A list this short renders whole, as one chunk: the page holds all of it (find in page, no gaps while scrolling). */
export const WHOLE_UP_TO = 60;

/** How far beyond the scrolled view chunks are rendered already (in view heights), so scrolling rarely shows a gap. */
const AHEAD = 1;

interface WindowedListProps<T> {
  /** Read by `length` and `at(i)`: a list reader hands a long list over without copying it (model/shown-list.ts). */
  items: IndexedList<T>;
  /** One item, keyed by its id: a memoized component, so that items that did not change skip rendering. */
  render: (item: T) => ReactNode;
  /** The list's layout class (a grid or a column), given to each chunk. */
  className: string;
  /** The space between chunks, the same as the layout's gap between items (px). */
  gap: number;
  /** A guess of one item's height (px), until a chunk of this list has been measured. */
  itemHeight: number;
}

interface ChunkProps<T> extends Pick<WindowedListProps<T>, 'items' | 'render' | 'className'> {
  index: number;
  start: number;
  end: number;
  /** Measures the chunk's height while it is shown (null until the list has mounted). */
  size: ResizeObserver | null;
  onFocusIn: (index: number) => void;
  onFocusOut: (index: number) => void;
}

/** The chunks shown: those from `first` to `last` near the view. */
interface Range {
  first: number;
  last: number;
}

/**
 * A long list that renders only the chunks near the scrolled view (of the nearest scrolling
 * ancestor), and one empty box of their measured heights for each run of the others: a table of
 * thousands of notes costs, on every change and scroll, what its visible chunks cost. The
 * scrollbar stays true; a chunk holding the focus stays rendered, so a player typing never loses
 * their field. A short list renders whole, as a plain list would.
 */
export function WindowedList<T>({ items, render, className, gap, itemHeight }: WindowedListProps<T>) {
  const list = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<number, number>());
  const perItem = useRef(itemHeight);
  const [range, setRange] = useState<Range>({ first: 0, last: 0 });
  const [focused, setFocused] = useState<number | null>(null);
  const [size, setSize] = useState<ResizeObserver | null>(null);
  // a measure that differs from the guess resizes the boxes standing for hidden chunks, even when the range stays
  const [, relayout] = useReducer((layouts: number) => layouts + 1, 0);
  const per = items.length <= WHOLE_UP_TO ? Math.max(1, items.length) : CHUNK_ITEMS;
  const chunking = useRef(per);
  if (chunking.current !== per) {
    // the chunks are cut anew: the heights measured were of other chunks
    chunking.current = per;
    heights.current.clear();
  }
  const chunkCount = Math.max(1, Math.ceil(items.length / per));
  const heightOf = (index: number) => heights.current.get(index) ?? Math.min(per, items.length - index * per) * perItem.current;

  // read when the view moves, after each render: the latest chunk count and heights
  const measure = useRef(() => {});
  measure.current = () => {
    const element = list.current;
    if (!element) return;
    const view = viewOf(element, gap);
    setRange((before) => sameRange(before, chunksIn(view, chunkCount, heightOf, gap)));
  };

  useEffect(() => {
    const view = scroller(list.current);
    const onMove = () => measure.current();
    const observer = new ResizeObserver((entries) => {
      let resized = false;
      for (const entry of entries) {
        const chunk = entry.target as HTMLElement;
        if (chunk.dataset.chunk === undefined) continue;
        const height = entry.borderBoxSize[0]?.blockSize ?? chunk.offsetHeight;
        const index = Number(chunk.dataset.chunk);
        const guess = height / Math.max(1, Number(chunk.dataset.items));
        resized ||= heights.current.get(index) !== height || perItem.current !== guess;
        heights.current.set(index, height);
        perItem.current = guess;
      }
      if (resized) relayout();
      onMove();
    });
    if (view) observer.observe(view);
    (view ?? window).addEventListener('scroll', onMove, { passive: true });
    window.addEventListener('resize', onMove);
    setSize(observer);
    return () => {
      observer.disconnect();
      (view ?? window).removeEventListener('scroll', onMove);
      window.removeEventListener('resize', onMove);
    };
  }, []);
  useEffect(() => measure.current(), [chunkCount]);

  // the chunks compare their props to skip rendering: these keep their identity
  const onFocusIn = setFocused;
  const onFocusOut = useCallback((index: number) => setFocused((now) => (now === index ? null : now)), []);
  const parts: ReactNode[] = [];
  let hidden = 0;
  for (let index = 0; index < chunkCount; index++) {
    const shown = (index >= range.first && index <= range.last) || index === focused;
    if (!shown) {
      hidden += heightOf(index) + gap;
      continue;
    }
    if (hidden > 0) parts.push(<div key={`before-${index}`} style={{ height: hidden - gap }} />);
    hidden = 0;
    const [start, end] = [index * per, Math.min(items.length, (index + 1) * per)];
    parts.push(<Chunk<T> key={index} {...{ items, render, className, index, start, end, size, onFocusIn, onFocusOut }} />);
  }
  if (hidden > 0) parts.push(<div key="after" style={{ height: hidden - gap }} />);
  return (
    <div ref={list} style={{ display: 'flex', flexDirection: 'column', gap }}>
      {parts}
    </div>
  );
}

function ChunkView<T>({ items, render, className, index, start, end, size, onFocusIn, onFocusOut }: ChunkProps<T>) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chunk = box.current;
    if (!size || !chunk) return;
    size.observe(chunk);
    return () => size.unobserve(chunk);
  }, [size]);
  const focusOut = (event: FocusEvent<HTMLDivElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) onFocusOut(index);
  };
  return (
    <div ref={box} data-chunk={index} data-items={end - start} className={className} onFocus={() => onFocusIn(index)} onBlur={focusOut}>
      {rendered(items, start, end, render)}
    </div>
  );
}

function rendered<T>(items: IndexedList<T>, start: number, end: number, render: (item: T) => ReactNode): ReactNode[] {
  const nodes: ReactNode[] = [];
  for (let index = start; index < end; index++) nodes.push(render(items.at(index) as T));
  return nodes;
}

/** A chunk renders again only when what it shows changed: its items, by identity. */
function sameChunk<T>(before: ChunkProps<T>, after: ChunkProps<T>): boolean {
  for (const key of Object.keys(after) as Array<keyof ChunkProps<T>>) {
    if (key !== 'items' && before[key] !== after[key]) return false;
  }
  for (let i = after.start; i < after.end; i++) if (before.items.at(i) !== after.items.at(i)) return false;
  return true;
}

const Chunk = memo(ChunkView, sameChunk) as typeof ChunkView;

/** The part of the list in or near the scrolled view, in px from the list's top. */
function viewOf(list: HTMLElement, gap: number): { top: number; bottom: number } {
  const view = scroller(list);
  const viewTop = view ? view.getBoundingClientRect().top : 0;
  const viewHeight = view ? view.clientHeight : window.innerHeight;
  const top = viewTop - list.getBoundingClientRect().top;
  return { top: top - viewHeight * AHEAD - gap, bottom: top + viewHeight * (1 + AHEAD) };
}

/** The chunks that overlap `view`, from their heights (measured, or guessed). */
function chunksIn(view: { top: number; bottom: number }, count: number, heightOf: (index: number) => number, gap: number): Range {
  let first = -1;
  let last = 0;
  for (let index = 0, top = 0; index < count && top <= view.bottom; index++) {
    const bottom = top + heightOf(index);
    if (bottom >= view.top && first < 0) first = index;
    last = index;
    top = bottom + gap;
  }
  return { first: first < 0 ? last : first, last };
}

const sameRange = (before: Range, after: Range): Range => (before.first === after.first && before.last === after.last ? before : after);

/** The nearest ancestor that scrolls vertically (the side panel, or the page on a phone); null: the window. */
function scroller(element: HTMLElement | null): HTMLElement | null {
  for (let node = element?.parentElement ?? null; node; node = node.parentElement) {
    if (/(auto|scroll)/.test(getComputedStyle(node).overflowY)) return node;
  }
  return null;
}
