import { newClientKey } from './client-key';
import { EditQueue, type KeptEdit } from './edit-queue';

/**
 * The user's edits not yet confirmed, one queue per table (S13): joining another table keeps a
 * table's edits for when it is joined again. Every queue numbers its batches from one sequence
 * under this client's key, so an update id is never given twice by this client.
 */
export class TableEditQueues {
  readonly clientKey = newClientKey();
  private readonly queues = new Map<string, EditQueue>();
  private sequence = 0;

  of(sessionId: string): EditQueue {
    let queue = this.queues.get(sessionId);
    if (!queue) {
      queue = new EditQueue(this.clientKey, () => ++this.sequence);
      this.queues.set(sessionId, queue);
    }
    return queue;
  }

  /** The edits of `sessionId` not known to be applied, to keep while the page is away. */
  kept(sessionId: string): KeptEdit[] {
    return this.queues.get(sessionId)?.kept() ?? [];
  }

  /** The connection dropped: a batch on its way gets no answer on it, and goes again, under its id, after the rejoin. */
  unsendInFlight(): void {
    for (const queue of this.queues.values()) {
      const first = queue.first();
      if (first?.sent) queue.unsend(first);
    }
  }
}
