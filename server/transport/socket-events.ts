import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { ProtocolError, type ErrorBody } from '../../shared/errors';
import { ServerEvent, type SessionErrorEvent } from '../../shared/protocol';
import { OversizedFrame } from './frame-limits';
import type { Logger } from '../logger';
import { secondsSince, type EventMetrics } from '../metrics/metrics';

type AckFn = (response: unknown) => void;

/** Acknowledges at once, before the handler returns, when what follows must come after the ack. */
export type Reply = (result?: object) => void;

/** Throws the refusal (not-in-session, rate-limited...) that needs nothing of the payload. */
export type Precheck = () => void;

/** What validates an event's payload: its zod schema, or a parser giving the same results (shared/update-parser.ts). */
export interface PayloadParser<T> {
  safeParse(payload: unknown): { success: true; data: T } | { success: false; error: z.ZodError };
}

interface Registered {
  schema: PayloadParser<unknown>;
  handler: (payload: unknown, reply: Reply) => object | void | Promise<object | void>;
  precheck?: Precheck;
}

/**
 * The client events of one socket, with the contract's error handling: a frame over the event's
 * limit is refused `too-large` (it was never parsed), then the event's precheck runs, and only
 * then is the payload validated by its schema, the costly step for a large one; the result goes
 * back as `{ ok: true, ...result }`; a failure goes back as `{ ok: false, error }` to the ack
 * callback, or as `session-error` when there is none. `metrics` counts each event and times its
 * answer. One listener per socket (Socket.IO's `onAny`) finds the handler in a map: a listener
 * closure and its context per event and socket (some fifteen of each per socket) were held by a
 * node for every socket it serves, and marked at every full collection.
 */
export class SocketEvents {
  private readonly handlers = new Map<string, Registered>();

  constructor(
    private readonly socket: Socket,
    private readonly logger: Logger,
    private readonly metrics: EventMetrics,
  ) {
    socket.onAny(this.dispatch.bind(this));
  }

  on<T, R extends object | void>(event: string, schema: PayloadParser<T>, handler: (payload: T, reply: Reply) => R | Promise<R>, precheck?: Precheck): void {
    if (this.handlers.has(event)) throw new Error(`${event} has a handler already`);
    this.handlers.set(event, { schema, handler: handler as Registered['handler'], precheck });
  }

  private dispatch(event: string, ...args: unknown[]): void {
    const registered = this.handlers.get(event);
    if (!registered) return;
    this.metrics.received(event);
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as AckFn) : undefined;
    const { schema, handler, precheck } = registered;
    new EventAnswer(event, this.metrics, ack, this.socket, this.logger).run(args[0], schema, handler, precheck);
  }
}

/**
 * One event's way from its payload to its answer. A class rather than closures made per event:
 * an event costs one object, and its methods are compiled once (tsx names every arrow function
 * assigned to a name, a property definition each time one is made). Not async: a handler's
 * promise gets two reactions, where an awaiting frame would be held (with its registers) for as
 * long as the answer waits, a commit's time for every update on the node.
 */
class EventAnswer {
  private readonly start = performance.now();
  private replied = false;
  /** What the handler calls to acknowledge before it returns. */
  readonly reply: Reply;

  constructor(
    private readonly event: string,
    private readonly metrics: EventMetrics,
    private readonly ack: AckFn | undefined,
    private readonly socket: Socket,
    private readonly logger: Logger,
  ) {
    this.reply = this.ok.bind(this);
  }

  run<T, R extends object | void>(
    payload: unknown,
    schema: PayloadParser<T>,
    handler: (payload: T, reply: Reply) => R | Promise<R>,
    precheck: Precheck | undefined,
  ): void {
    try {
      if (payload instanceof OversizedFrame) {
        throw new ProtocolError('too-large', `${this.event}: a frame of ${payload.chars} characters is over this event's ${payload.limit}`);
      }
      precheck?.();
      const parsed = schema.safeParse(payload);
      if (!parsed.success) throw invalidPayload(this.event, parsed.error);
      const answer = handler(parsed.data, this.reply);
      if (answer instanceof Promise) answer.then((result: R) => this.answer(result), (error: unknown) => this.fail(error));
      else this.ok(answer ?? undefined);
    } catch (error) {
      this.fail(error);
    }
  }

  /** A handler's promised result, acknowledged; an ack that throws is logged as a handler's failure would be. */
  private answer(result: object | void): void {
    try {
      this.ok(result ?? undefined);
    } catch (error) {
      this.fail(error);
    }
  }

  private ok(result?: object): void {
    if (this.replied) return;
    this.replied = true;
    this.metrics.answered(this.event, 'ok', secondsSince(this.start));
    this.ack?.(result === undefined ? OK : { ok: true, ...result });
  }

  private fail(error: unknown): void {
    const { event, socket } = this;
    const body = toErrorBody(error, event, socket, this.logger);
    if (this.replied) return;
    this.metrics.answered(event, body.code, secondsSince(this.start));
    if (this.ack) this.ack({ ok: false, error: body });
    else socket.emit(ServerEvent.sessionError, { event, ...body } satisfies SessionErrorEvent);
  }
}

/** The answer of an event that returns nothing (socket.io encodes it anew for each ack: never mutated). */
const OK = Object.freeze({ ok: true });

/** The contract's `invalid-payload` error for a payload `schema` refused, naming where. */
export function invalidPayload(event: string, error: z.ZodError): ProtocolError {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return new ProtocolError('invalid-payload', `${event}: ${issue?.message ?? 'invalid payload'}${where}`);
}

function toErrorBody(error: unknown, event: string, socket: Socket, logger: Logger): ErrorBody {
  if (error instanceof ProtocolError) {
    logger.debug({ event, socketId: socket.id, code: error.code }, error.message);
    return error.toBody();
  }
  logger.error({ err: error, event, socketId: socket.id }, 'event handler failed');
  return { code: 'internal', message: 'the server could not handle this event' };
}
