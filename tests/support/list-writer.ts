import type { Socket } from 'socket.io-client';
import type { JsonObject } from '../../shared/json';
import { ClientEvent } from '../../shared/protocol';
import { guestToken, openSocket, request } from './harness';

export type ListItem = JsonObject & { id: string };

/** A table's shared lists by state key (notes, counters, characters). */
export type Lists = Record<string, ListItem[]>;

/**
 * Another player, as a bare socket: it creates a table holding `lists`, then edits one item at a
 * time and sends its list whole, as the activity does, each edit from the version it last saw.
 */
export class ListWriter {
  private version = 0;
  private constructor(
    private readonly socket: Socket,
    readonly sessionId: string,
    private readonly lists: Lists,
  ) {}

  static async open(url: string, lists: Lists): Promise<ListWriter> {
    const socket = await openSocket(url, await guestToken(url, 'Writer'));
    const { sessionId } = await request<{ sessionId: string }>(socket, ClientEvent.createSession);
    await request(socket, ClientEvent.joinSession, { sessionId });
    const writer = new ListWriter(socket, sessionId, lists);
    for (const key of Object.keys(lists)) await writer.send(key);
    return writer;
  }

  /** Changes the item at `index` of list `key` and waits until the server applied it. */
  async edit(key: string, index: number, change: (item: ListItem) => ListItem): Promise<void> {
    const list = this.lists[key] ?? [];
    list[index] = change(list[index] as ListItem);
    await this.send(key);
  }

  close(): void {
    this.socket.disconnect();
  }

  private async send(key: string): Promise<void> {
    const ack = await request(this.socket, ClientEvent.updateGameState, { updates: { [key]: this.lists[key] }, baseVersion: this.version });
    if (!ack.ok) throw new Error(`the writer's update was refused: ${JSON.stringify(ack.error)}`);
    this.version = ack.version;
  }
}
