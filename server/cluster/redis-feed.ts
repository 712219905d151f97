import { createClient } from 'redis';
import type { Logger } from '../logger';
import type { FanoutObserver } from '../metrics/metrics';
import type { TableChange } from '../sessions/session-channel';
import { decodeMessage, encodeMessage, type FeedMessage } from './feed-message';

export type RedisClient = ReturnType<typeof createClient>;

/** Redis as the cluster's parts use it (members, presence, link codes): every command answered in time, or refused. */
export interface AnsweringRedis {
  /**
   * Runs `command` on the commands connection. Refused at once while that connection is down or
   * stalled, and after PROBE_TIMEOUT_MS without an answer: a player never waits on a Redis that
   * does not answer.
   */
  answered<T>(command: (redis: RedisClient) => Promise<T>): Promise<T>;
}

export interface FeedHandlers {
  /** A change another node published on a table this node follows. */
  received(sessionId: string, change: TableChange): void;
  /** Redis answers again after it did not: messages of the meantime are lost, the tables catch up from the log. */
  back(): void;
}

/** Waits between reconnection attempts, growing to this. */
const MAX_RECONNECT_MS = 1000;
/**
 * How often each connection is asked for a PING, and how long its answer may take. A network that
 * drops packets leaves the connections open and ready: only a PING unanswered tells a stalled one
 * from a quiet one (node-redis times a command out only until it is written, not its answer).
 */
const PROBE_EVERY_MS = 1000;
const PROBE_TIMEOUT_MS = 3000;

/**
 * The fan-out between nodes: one sharded Pub/Sub channel per table (SPUBLISH / SSUBSCRIBE, so a
 * Redis Cluster spreads tables over its shards), that only the nodes holding the table subscribe
 * to. Publishing never waits for nor queues behind a Redis that is down or stalled (the message is
 * dropped: the log has it), and a node hears nothing of its own messages.
 */
export class RedisFeed implements AnsweringRedis {
  /** Commands and publishing; the subscriber connection can do nothing else. */
  private readonly commands: RedisClient;
  private readonly subscriber: RedisClient;
  private readonly channels = new Set<string>();
  private down = false;
  /** The connections whose last PING got no answer in time: open, and still not answering. */
  private readonly stalled = new Set<RedisClient>();
  private readonly probing = new Set<RedisClient>();
  private probe: ReturnType<typeof setInterval> | undefined;

  constructor(
    url: string,
    private readonly prefix: string,
    readonly node: string,
    private readonly handlers: FeedHandlers,
    private readonly logger: Logger,
    private readonly observer: FanoutObserver,
  ) {
    const options = {
      url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: (tries: number) => Math.min(50 * 2 ** tries, MAX_RECONNECT_MS) },
    };
    this.commands = createClient(options);
    this.subscriber = createClient(options);
    for (const client of [this.commands, this.subscriber]) {
      client.on('error', () => this.markDown());
      client.on('ready', () => {
        // a new connection: what the last one left unanswered is its own
        this.stalled.delete(client);
        this.markUpIfBoth();
      });
    }
  }

  async connect(): Promise<void> {
    this.probe ??= setInterval(() => this.probeBoth(), PROBE_EVERY_MS).unref();
    await Promise.all([this.commands.connect(), this.subscriber.connect()]);
  }

  /** `up` while both connections are ready and answer. */
  get state(): 'up' | 'down' {
    return this.commands.isReady && this.subscriber.isReady && this.stalled.size === 0 ? 'up' : 'down';
  }

  publish(sessionId: string, change: TableChange): void {
    // dropped while stalled, as while down (the log has it); no timer per message: every commit passes here
    if (this.stalled.has(this.commands)) return;
    const message: FeedMessage = { node: this.node, sentAt: Date.now(), change };
    this.commands.sPublish(this.channelOf(sessionId), encodeMessage(message)).catch((error: unknown) => {
      this.logger.debug({ err: error, sessionId, kind: change.kind }, 'fan-out: a change was not published');
    });
  }

  /** Follows the table; a Redis that is down now is subscribed again when it is back. */
  async subscribe(sessionId: string): Promise<void> {
    const channel = this.channelOf(sessionId);
    this.channels.add(channel);
    // subscribed with the others once it answers again (markUpIfBoth)
    if (this.stalled.has(this.subscriber)) return;
    await inTime(this.subscriber.sSubscribe(channel, this.onMessage)).catch((error: unknown) => {
      this.logger.warn({ err: error, sessionId }, 'fan-out: could not follow a table now; it will when Redis is back');
    });
  }

  answered<T>(command: (redis: RedisClient) => Promise<T>): Promise<T> {
    if (this.stalled.has(this.commands)) return Promise.reject(new Error('Redis does not answer'));
    return inTime(command(this.commands));
  }

  unsubscribe(sessionId: string): void {
    const channel = this.channelOf(sessionId);
    this.channels.delete(channel);
    this.subscriber.sUnsubscribe(channel, this.onMessage).catch(() => undefined);
  }

  /**
   * Sends what is being published, then stops reconnecting. `close`, not QUIT: a QUIT waits for a
   * Redis that is down to come back, and the node could not stop while it was away.
   */
  async close(): Promise<void> {
    clearInterval(this.probe);
    await Promise.allSettled([this.commands.close(), this.subscriber.close()]);
  }

  private probeBoth(): void {
    for (const client of [this.commands, this.subscriber]) {
      if (!client.isReady || this.probing.has(client)) continue;
      this.probing.add(client);
      // late, the connection counts as stalled; the answer, whenever it comes, as answering again
      const late = setTimeout(() => this.unheard(client), PROBE_TIMEOUT_MS).unref();
      client.ping().then(
        () => this.heard(client),
        () => this.unheard(client),
      ).finally(() => {
        clearTimeout(late);
        this.probing.delete(client);
      });
    }
  }

  private heard(client: RedisClient): void {
    if (!this.stalled.delete(client)) return;
    this.markUpIfBoth();
  }

  /** A PING that failed or timed out: a connection closing says so by itself, an open one that stalled by this alone. */
  private unheard(client: RedisClient): void {
    if (!client.isReady) return;
    this.stalled.add(client);
    this.markDown();
  }

  private readonly onMessage = (text: string, channel: string): void => {
    const message = decodeMessage(text);
    if (!message) {
      this.logger.warn({ channel }, 'fan-out: a message that is not a table change was dropped');
      return;
    }
    if (message.node === this.node) return;
    // the sender's clock against this one's (nodes run NTP): a skew below zero is no lag
    this.observer.fanoutLag(Math.max(0, Date.now() - message.sentAt) / 1000);
    this.handlers.received(channel.slice(this.channelOf('').length), message.change);
  };

  private channelOf(sessionId: string): string {
    return `${this.prefix}table:${sessionId}`;
  }

  private markDown(): void {
    if (this.down) return;
    this.down = true;
    this.logger.error('fan-out: Redis does not answer; this node serves its own clients only until it is back');
  }

  private markUpIfBoth(): void {
    if (!this.down || this.state !== 'up') return;
    this.down = false;
    this.logger.warn('fan-out: Redis is back; the tables this node holds catch up from the log');
    // the subscriber resubscribes what it had; a subscription refused while Redis was down is made now
    for (const channel of this.channels) this.subscriber.sSubscribe(channel, this.onMessage).catch(() => undefined);
    this.handlers.back();
  }
}

/** `answer`, or a rejection once it has taken PROBE_TIMEOUT_MS (it is still awaited by node-redis). */
function inTime<T>(answer: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis gave no answer in ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS).unref();
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}
