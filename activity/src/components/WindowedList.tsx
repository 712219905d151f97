import { Fragment, memo, useCallback, useEffect, useRef, useState, type FocusEvent, type ReactNode } from 'react';

/**
 * Items per chunk: a multiple of every column count a panel's grid shows (1 to 6), so that
 * every chunk but the last ends on a full row and the grid reads as one.
 */
export const CHUNK_ITEMS = 60;

/** How far beyond the scrolled view chunks are rendered already, so scrolling rarely shows a gap. */
const AHEAD = '100% 0px';

interface WindowedListProps<T> {
  items: readonly T[];
  keyOf: (item: T) => string;
  /** One item: a memoized component, so that items that did not change skip rendering. */
  render: (item: T) => ReactNode;
  /** The list's layout class (a grid or a column), given to each chunk. */
  className: string;
  /** The space between chunks, the same as the layout's gap between items (px). */
  gap: number;
  /** A guess of one item's height (px), until a chunk of this list has been measured. */
  itemHeight: number;
}

/** What the chunks share: who watches them, and what is known of their heights. */
interface Watch {
  visibility: IntersectionObserver;
  size: ResizeObserver;
}

interface ChunkProps<T> extends Pick<WindowedListProps<T>, 'items' | 'keyOf' | 'render' | 'className'> {
  index: number;
  start: number;
  end: number;
  /** False: an empty box of `height` stands in for the chunk's items. */
  rendered: boolean;
  height: number;
  watch: Watch | null;
  onFocusIn: (index: number) => void;
  onFocusOut: (index: number) => void;
}

/**
 * A long list that renders only the chunks near the scrolled view (of the nearest scrolling
 * ancestor): a table of thousands of notes costs what its visible chunk costs, on every change
 * and scroll. A chunk out of view keeps its measured height, so the scrollbar stays true; a chunk
 * holding the focus stays rendered, so a player typing never loses their field. A list of one
 * chunk renders whole, as a plain list would.
 */
export function WindowedList<T>({ items, keyOf, render, className, gap, itemHeight }: WindowedListProps<T>) {
  const list = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<number, number>());
  const perItem = useRef(itemHeight);
  const [shown, setShown] = useState<ReadonlySet<number>>(() => new Set([0]));
  const [focused, setFocused] = useState<number | null>(null);
  const [watch, setWatch] = useState<Watch | null>(null);

  useEffect(() => {
    const visibility = new IntersectionObserver((entries) => setShown((before) => nowShown(before, entries)), { root: scroller(list.current), rootMargin: AHEAD });
    const size = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const chunk = entry.target as HTMLElement;
        if (chunk.dataset.rendered !== 'true') continue;
        const height = entry.borderBoxSize[0]?.blockSize ?? chunk.offsetHeight;
        heights.current.set(Number(chunk.dataset.chunk), height);
        perItem.current = height / Math.max(1, Number(chunk.dataset.items));
      }
    });
    setWatch({ visibility, size });
    return () => {
      visibility.disconnect();
      size.disconnect();
    };
  }, []);

  // the chunks compare their props to skip rendering: these keep their identity
  const onFocusIn = setFocused;
  const onFocusOut = useCallback((index: number) => setFocused((now) => (now === index ? null : now)), []);
  const chunks: ReactNode[] = [];
  for (let index = 0, start = 0; start < items.length || index === 0; index++, start += CHUNK_ITEMS) {
    const end = Math.min(items.length, start + CHUNK_ITEMS);
    const height = heights.current.get(index) ?? (end - start) * perItem.current;
    const rendered = shown.has(index) || focused === index;
    chunks.push(<Chunk<T> key={index} {...{ items, keyOf, render, className, index, start, end, rendered, height, watch, onFocusIn, onFocusOut }} />);
  }
  return (
    <div ref={list} style={{ display: 'flex', flexDirection: 'column', gap }}>
      {chunks}
    </div>
  );
}

function ChunkView<T>({ items, keyOf, render, className, index, start, end, rendered, height, watch, onFocusIn, onFocusOut }: ChunkProps<T>) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chunk = box.current;
    if (!watch || !chunk) return;
    watch.visibility.observe(chunk);
    watch.size.observe(chunk);
    return () => {
      watch.visibility.unobserve(chunk);
      watch.size.unobserve(chunk);
    };
  }, [watch]);
  const common = { ref: box, 'data-chunk': index, 'data-items': end - start, 'data-rendered': rendered };
  if (!rendered) return <div {...common} style={{ height }} />;
  const focusOut = (event: FocusEvent<HTMLDivElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) onFocusOut(index);
  };
  return (
    <div {...common} className={className} onFocus={() => onFocusIn(index)} onBlur={focusOut}>
      {items.slice(start, end).map((item) => (
        <Fragment key={keyOf(item)}>{render(item)}</Fragment>
      ))}
    </div>
  );
}

/** A chunk renders again only when what it shows changed: its items (by identity), or whether it is shown. */
function sameChunk<T>(before: ChunkProps<T>, after: ChunkProps<T>): boolean {
  for (const key of Object.keys(after) as Array<keyof ChunkProps<T>>) {
    if (key !== 'items' && before[key] !== after[key]) return false;
  }
  if (!after.rendered) return true;
  for (let i = after.start; i < after.end; i++) if (before.items[i] !== after.items[i]) return false;
  return true;
}

const Chunk = memo(ChunkView, sameChunk) as typeof ChunkView;

/** The chunks in or near the view after the observer's `entries`; the same set when none changed. */
function nowShown(before: ReadonlySet<number>, entries: IntersectionObserverEntry[]): ReadonlySet<number> {
  const after = new Set(before);
  for (const entry of entries) {
    const index = Number((entry.target as HTMLElement).dataset.chunk);
    if (entry.isIntersecting) after.add(index);
    else after.delete(index);
  }
  const same = after.size === before.size && [...after].every((index) => before.has(index));
  return same ? before : after;
}

/** The nearest ancestor that scrolls vertically (the side panel, or the page on a phone); null: the viewport. */
function scroller(element: HTMLElement | null): HTMLElement | null {
  for (let node = element?.parentElement ?? null; node; node = node.parentElement) {
    if (/(auto|scroll)/.test(getComputedStyle(node).overflowY)) return node;
  }
  return null;
}
