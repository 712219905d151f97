/**
 * pdf.js, loaded on demand: its module is a chunk of its own, so the lobby and the table (a
 * phone on a slow link, inside Discord) start without waiting for a PDF engine they may not need
 * yet. It is asked for as soon as a table is on the way (open-early.ts), so a book does not
 * wait for it either.
 */
let engine: Promise<typeof import('./pdf-loader')> | null = null;

export function pdfEngine(): Promise<typeof import('./pdf-loader')> {
  engine ??= import('./pdf-loader');
  // a chunk that failed to load is asked for again next time, not remembered as failed
  engine.catch(() => (engine = null));
  return engine;
}
