import type { PageView, PdfData } from '../../../shared/layers-protocol';

/** What Discord shows under a player's name while they play (`setActivity`'s details and state). */
export interface Playing {
  details: string;
  state?: string;
}

/** Discord cuts details and state at 128 characters; cut them ourselves so a long title stays readable. */
const FIELD_MAX = 128;

const fit = (text: string) => (text.length > FIELD_MAX ? `${text.slice(0, FIELD_MAX - 1)}…` : text);

/** The book and the page this player sees; "setting up" before any book is open. */
export function playingOf(book: { pdfs: PdfData[]; view: PageView | null; pageCount: number }): Playing {
  const pdf = book.view && book.pdfs.find((known) => known.id === book.view?.pdfId);
  if (!book.view || !pdf) return { details: 'Setting up the table' };
  const title = pdf.name.replace(/\.pdf$/i, '') || 'A gamebook';
  return { details: fit(title), state: `Page ${book.view.currentPage} of ${Math.max(book.pageCount, book.view.currentPage)}` };
}

/**
 * Sends the latest value at most once per `intervalMs`: the first at once, then the newest of a
 * burst when the interval is over, so a storm of page flips becomes one update of the last page.
 * An unchanged value is not sent again.
 */
export class LatestEvery<T> {
  private last: string | null = null;
  private sentAt = -Infinity;
  private waiting: { value: T } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly send: (value: T) => void,
  ) {}

  push(value: T): void {
    this.waiting = { value };
    if (this.timer) return;
    const wait = this.sentAt + this.intervalMs - Date.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.waiting = null;
  }

  private flush(): void {
    this.timer = null;
    const waiting = this.waiting;
    this.waiting = null;
    if (!waiting) return;
    const key = JSON.stringify(waiting.value);
    if (key === this.last) return;
    this.last = key;
    this.sentAt = Date.now();
    this.send(waiting.value);
  }
}
