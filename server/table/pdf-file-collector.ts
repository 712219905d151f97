import type { Logger } from '../logger';
import type { PdfBytes } from '../storage/pdf-bytes';
import type { SessionDependent } from '../storage/session-dependent';

/**
 * Deletes the PDF bytes (files, or database rows) no session uses any more. They are shared
 * between sessions by their SHA-256, so an expired session's book goes only when no remaining
 * record names it. Runs after
 * the records went (ON DELETE CASCADE, or the memory store's own dependent), and once at start
 * for what a crash, or a failed record, left behind.
 */
export class PdfFileCollector implements SessionDependent {
  readonly name = 'PDF files';

  constructor(
    private readonly bytes: PdfBytes,
    private readonly logger: Logger,
  ) {}

  /** The expired sessions' records are gone already: what matters is which files are still named. */
  async removeSessions(sessionIds: readonly string[]): Promise<void> {
    await this.collect(sessionIds);
  }

  /** Removes every unused file; returns their SHA-256s. */
  async collect(expiredSessions: readonly string[] = []): Promise<string[]> {
    const removed = await this.bytes.removeUnreferenced();
    if (removed.length > 0) {
      this.logger.info({ removed, expiredSessions: expiredSessions.length }, 'removed PDF files no session uses');
    }
    return removed;
  }
}
