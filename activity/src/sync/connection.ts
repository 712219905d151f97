import { io, type Socket } from 'socket.io-client';
import { ROLL_DICE_EVENT, type DiceRoll } from '../../../shared/dice';
import { PRESENCE_EVENT, type PresenceEvent } from '../../../shared/presence';
import { ClientEvent, ServerEvent, type Ack, type Role } from '../../../shared/protocol';
import { SyncClient } from '../../../shared/sync-client';
import { TableServerEvent } from '../../../shared/layers-protocol';
import { TableClient } from '../../../shared/table-client';
import { RoleClientEvent, RoleServerEvent, type GmDocument, type TableRoles } from '../../../shared/roles-protocol';
import type { GmDocumentChanged } from '../../../shared/gm-changes';
import { TableError } from './table-error';

const REQUEST_TIMEOUT_MS = 8000;

/** The server's `table-closed` event (TABLE_CLOSED_EVENT in server/discord/channel-tables.ts). */
const TABLE_CLOSED_EVENT = 'table-closed';

/**
 * One player's link to the server: the Socket.IO socket and the sync client on it, plus the
 * few request/answer events that are not state edits. The store is its only user.
 */
export class TableConnection {
  readonly client: SyncClient;
  /** Page layers, live updates, navigation and PDFs, over the same socket. */
  readonly table: TableClient;
  private readonly socket: Socket;

  /** `origin`: the server's, when it is not the page's own (the activity under Node, in tests). */
  constructor(token: string, origin?: string) {
    this.socket = io(origin, {
      auth: { token },
      transports: ['websocket', 'polling'],
      // a table is a conversation: come back quickly once the server answers again
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
    this.client = new SyncClient({ socket: this.socket });
    this.table = new TableClient({ socket: this.socket });
  }

  /** Resolves once connected, so that the first join is not sent twice (SyncClient rejoins on connect). */
  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  async createSession(): Promise<string> {
    return (await this.request<{ sessionId: string }>(ClientEvent.createSession)).sessionId;
  }

  async join(sessionId: string): Promise<Role> {
    await this.connected();
    const ack = await this.client.join(sessionId);
    if (!ack.ok) throw new TableError(ack.error.code, ack.error.message);
    return ack.role;
  }

  async rollDice(expression: string): Promise<DiceRoll> {
    return (await this.request<{ roll: DiceRoll }>(ROLL_DICE_EVENT, { expression })).roll;
  }

  onPresence(listener: (event: PresenceEvent) => void): () => void {
    this.socket.on(PRESENCE_EVENT, listener);
    return () => this.socket.off(PRESENCE_EVENT, listener);
  }

  /** After the table client has taken in the server's table whole (a join, a rejoin, a resync). */
  onTableReset(listener: () => void): () => void {
    const events = [ServerEvent.fullGameState, TableServerEvent.tableState];
    for (const event of events) this.socket.on(event, listener);
    return () => {
      for (const event of events) this.socket.off(event, listener);
    };
  }

  /** Roles and the game masters' document (whole, then its changes) as the server sends them; `removed` when this player is taken off the table. */
  onRoles(listeners: { roles(roles: TableRoles): void; gm(document: GmDocument): void; gmChanged(changed: GmDocumentChanged): void; removed(): void }): () => void {
    const pairs: Array<[string, (payload: any) => void]> = [
      [RoleServerEvent.roles, listeners.roles],
      [RoleServerEvent.gmDocument, listeners.gm],
      [RoleServerEvent.gmDocumentChanged, listeners.gmChanged],
      [RoleServerEvent.removed, listeners.removed],
    ];
    for (const [event, listener] of pairs) this.socket.on(event, listener);
    return () => {
      for (const [event, listener] of pairs) this.socket.off(event, listener);
    };
  }

  /** A role or game master request (RoleClientEvent); throws the server's refusal as a TableError. */
  async roleRequest<T extends object>(event: (typeof RoleClientEvent)[keyof typeof RoleClientEvent], payload: object): Promise<T> {
    return this.request<T>(event, payload);
  }

  /** The server refused the token (expired, or signed with another secret): sign in again. */
  onRefused(listener: () => void): () => void {
    const handler = (error: Error & { data?: { code?: string } }) => {
      if (error.data?.code === 'unauthorized') listener();
    };
    this.socket.on('connect_error', handler);
    return () => this.socket.off('connect_error', handler);
  }

  /** The table was closed from Discord (`/table end`); the server lets the socket go right after. */
  onTableClosed(listener: () => void): () => void {
    this.socket.on(TABLE_CLOSED_EVENT, listener);
    return () => this.socket.off(TABLE_CLOSED_EVENT, listener);
  }

  close(): void {
    this.table.close();
    this.client.close();
  }

  private async request<T extends object>(event: string, payload?: unknown): Promise<T> {
    let ack: Ack<T>;
    try {
      const timed = this.socket.timeout(REQUEST_TIMEOUT_MS);
      ack = await (payload === undefined ? timed.emitWithAck(event) : timed.emitWithAck(event, payload));
    } catch {
      throw new TableError('timeout', 'the server did not answer in time');
    }
    if (!ack.ok) throw new TableError(ack.error.code, ack.error.message);
    return ack;
  }
}
