import type { Request, RequestHandler } from 'express';
import type { Socket } from 'socket.io';
import { ProtocolError } from '../../shared/errors';
import { clientAddress } from '../limits/client-address';
import { MemoryLimitCounters, type LimitCounters, type Rate } from '../limits/limit-counters';
import type { SocketUser } from './socket-auth';

export interface UserLimitSettings {
  /** Proxies in front of the server whose X-Forwarded-For is believed (0: none). */
  trustedProxyHops: number;
  tablesPerUserPerHour: number;
  tablesPerAddressPerHour: number;
  socketsPerUser: number;
  socketsPerAddress: number;
  /** update-game-state and update-layers of all the sockets of one user together. */
  userUpdates: Rate;
  /** real-time-update and navigate-page of all the sockets of one user together. */
  userLiveUpdates: Rate;
  guestsPerAddressPerMinute: number;
  /** Join links asked for by one user (POST /api/tables/:id/join-link). */
  joinLinksPerUserPerMinute: number;
  /** Device link codes asked for or tried from one address (POST /api/auth/link-code, /api/auth/link). */
  linkAttemptsPerAddressPerMinute: number;
  /**
   * Discord sign-ins (POST /api/auth/discord) on this node, whoever asks: each costs calls to
   * Discord with the app's credentials, and Discord's proxy hides its users' addresses.
   */
  discordSignInsPerMinute: number;
}

/** What a handler asks before it does the work of an event. */
export interface Bucket {
  tryTake(): boolean;
}

type Next = (error?: Error) => void;

/** `rate-limited`, with the whole seconds after which asking again may pass (the answer's Retry-After). */
class RetryLater extends ProtocolError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate-limited', message);
  }
}

const noop = () => undefined;
const perHour = (count: number): Rate => ({ perSecond: count / 3600, burst: count });
const perMinute = (count: number): Rate => ({ perSecond: count / 60, burst: count });

/**
 * Limits that hold across all the sockets and requests of one user (token subject) or one
 * address, so that opening more sockets or tokens buys no more than the limits allow.
 */
export class UserLimits {
  constructor(
    private readonly settings: UserLimitSettings,
    private readonly counters: LimitCounters = new MemoryLimitCounters(),
  ) {}

  /**
   * Socket.IO middleware, after socketAuth: past the open sockets of its user or its address, a
   * socket is refused with `connect_error` data.code `rate-limited`; else it gets its quota.
   */
  readonly admitSocket = (socket: Socket, next: Next): void => {
    const user = socket.data.user as SocketUser;
    const { handshake } = socket;
    // Discord's proxy hides its users' addresses, so they would all share a few; each is a Discord
    // account seen in a live activity instance, which the per-user limits already hold
    const address =
      user.claims.kind === 'discord'
        ? null
        : clientAddress(handshake.address, handshake.headers['x-forwarded-for'], this.settings.trustedProxyHops);
    const releaseUser = this.counters.hold(`sockets:user:${user.id}`, this.settings.socketsPerUser);
    const releaseAddress =
      releaseUser && (address === null ? noop : this.counters.hold(`sockets:address:${address}`, this.settings.socketsPerAddress));
    if (!releaseUser || !releaseAddress) {
      releaseUser?.();
      const whose = releaseUser ? `this address (${this.settings.socketsPerAddress})` : `one user (${this.settings.socketsPerUser})`;
      next(refusal(`too many open sockets for ${whose}: close one and connect again`));
      return;
    }
    const release = () => {
      releaseUser();
      releaseAddress();
    };
    socket.once('disconnect', release);
    // a handshake dropped before it completes never emits disconnect; its connection still closes
    socket.conn.once('close', release);
    socket.data.quota = new SocketQuota(this, user.id, address);
    next();
  };

  /** Counts one table created; throws `rate-limited` past the hourly limit of the user or the address. */
  takeTable(userId: string, address: string | null): void {
    const { tablesPerUserPerHour: perUser, tablesPerAddressPerHour: perAddress } = this.settings;
    // the user's first: a user past their own limit does not use up what their address shares
    if (!this.counters.take(`tables:user:${userId}`, perHour(perUser))) {
      throw new ProtocolError('rate-limited', `one user may create at most ${perUser} tables an hour: use one you have`);
    }
    if (address !== null && !this.counters.take(`tables:address:${address}`, perHour(perAddress))) {
      throw new ProtocolError('rate-limited', `at most ${perAddress} tables an hour may be created from one address`);
    }
  }

  /** `takeTable` for a table made over HTTP (an import), from the request's address. */
  takeTableOf(req: Request, userId: string): void {
    this.takeTable(userId, this.addressOf(req));
  }

  /** Counts one join link asked for; throws `rate-limited` past the user's limit a minute. */
  takeJoinLink(userId: string): void {
    const perUser = this.settings.joinLinksPerUserPerMinute;
    if (!this.counters.take(`join-links:user:${userId}`, perMinute(perUser))) {
      throw new ProtocolError('rate-limited', `one user may ask for at most ${perUser} join links a minute: use the one you have`);
    }
  }

  /** The address of an HTTP request, under the same proxy rule as sockets. */
  private addressOf(req: Request): string {
    return clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], this.settings.trustedProxyHops);
  }

  /** Middleware for guest token creation: past the limit of the address, 429 `rate-limited`. */
  get guestCreation(): RequestHandler {
    return this.perAddress('guests', this.settings.guestsPerAddressPerMinute, 'guest identities');
  }

  /** Counts one guest identity made another way (a join link redeemed without a token); throws `rate-limited`. */
  takeGuest(req: Request): void {
    this.takeByAddress('guests', req, this.settings.guestsPerAddressPerMinute, 'guest identities');
  }

  /** Counts one Discord sign-in on this node; throws `rate-limited` (with a Retry-After) past the limit. */
  takeDiscordSignIn(): void {
    const perNode = this.settings.discordSignInsPerMinute;
    if (this.counters.take('discord-sign-ins', perMinute(perNode))) return;
    throw new RetryLater(`this server takes at most ${perNode} Discord sign-ins a minute: try again in a moment`, Math.ceil(60 / perNode));
  }

  /** Middleware for device link codes, asked for or tried: guessing one takes many tries. */
  get linkAttempts(): RequestHandler {
    return this.perAddress('links', this.settings.linkAttemptsPerAddressPerMinute, 'device link codes');
  }

  private perAddress(kind: string, perAddress: number, what: string): RequestHandler {
    return (req, res, next) => {
      try {
        this.takeByAddress(kind, req, perAddress, what);
      } catch (error) {
        res.status(429).json({ error: (error as ProtocolError).toBody() });
        return;
      }
      next();
    };
  }

  private takeByAddress(kind: string, req: Request, perAddress: number, what: string): void {
    if (this.counters.take(`${kind}:${this.addressOf(req)}`, perMinute(perAddress))) return;
    throw new ProtocolError('rate-limited', `at most ${perAddress} ${what} a minute from one address: try again shortly`);
  }

  /** `own` (a socket's bucket), then the bucket of `kind` that every socket of the user draws from. */
  sharedBucket(kind: 'updates' | 'live', userId: string, own: Bucket): Bucket {
    const rate = kind === 'updates' ? this.settings.userUpdates : this.settings.userLiveUpdates;
    // built once per socket, not per event
    const key = `${kind}:user:${userId}`;
    // the socket's first: a socket past its own limit does not use up what its user's others share
    return { tryTake: () => own.tryTake() && this.counters.take(key, rate) };
  }
}

/** One socket's share of its user's and its address's limits (set by UserLimits.admitSocket). */
export class SocketQuota {
  constructor(
    private readonly limits: UserLimits,
    private readonly userId: string,
    /** null for Discord users, whose address Discord's proxy hides. */
    private readonly address: string | null,
  ) {}

  takeTable(): void {
    this.limits.takeTable(this.userId, this.address);
  }

  /** update-game-state and update-layers: `own` (per socket), then the user's shared bucket. */
  updates(own: Bucket): Bucket {
    return this.limits.sharedBucket('updates', this.userId, own);
  }

  /** real-time-update and navigate-page: `own` (per socket), then the user's shared bucket. */
  live(own: Bucket): Bucket {
    return this.limits.sharedBucket('live', this.userId, own);
  }
}

/** The quota UserLimits.admitSocket gave the socket. */
export function quotaOf(socket: Socket): SocketQuota {
  const quota: unknown = socket.data.quota;
  if (!(quota instanceof SocketQuota)) throw new Error('the socket was not admitted by UserLimits');
  return quota;
}

function refusal(message: string): Error {
  const error = new Error(message) as Error & { data: unknown };
  error.data = { code: 'rate-limited' };
  return error;
}
