import { randomBytes } from 'node:crypto';
import type { EngineState } from '../http/http-app';
import { LinkCodes, type LinkCodeStore } from '../auth/link-codes';
import type { Logger } from '../logger';
import type { FanoutObserver } from '../metrics/metrics';
import type { TableChange } from '../sessions/session-channel';
import { localKeeper, type SessionKeeper } from '../sessions/session-registry';
import { localStaffClock } from '../sessions/staff-clock';
import type { SessionStore } from '../storage/session-store';
import { localPresence, type PresenceDirectory } from '../transport/presence';
import type { ClusterLink } from '../transport/socket-gateway';
import { ClusterPresence } from './cluster-presence';
import { RedisFeed } from './redis-feed';
import { SharedMembers } from './shared-members';
import { SharedStaffClock } from './shared-staff-clock';
import { RedisLinkCodes } from './redis-link-codes';
import { TableFollower, type FollowedNode } from './table-follower';

/** This node among the others: what it shares, how it follows tables, what /healthz says of it. */
export interface Cluster extends ClusterLink {
  keeper: SessionKeeper;
  presence: PresenceDirectory;
  /** Once the registry and the sockets exist: changes from the other nodes are applied from then on. */
  start(node: FollowedNode): void;
  /** The engines the fan-out depends on, for /healthz (none on a single node). */
  engines(): Record<string, EngineState>;
  /** Where one-time device link codes live: any node redeems a code any node issued. */
  linkCodes(lifetimeMs: number): LinkCodeStore;
  close(): Promise<void>;
}

/** A single node (REDIS_URL unset): nothing shared, `npm start` as it always was. */
const singleNode: Cluster = {
  keeper: localKeeper,
  presence: localPresence,
  websocketOnly: false,
  away: localStaffClock,
  share: () => undefined,
  start: () => undefined,
  engines: () => ({}),
  linkCodes: (lifetimeMs) => new LinkCodes(lifetimeMs),
  close: () => Promise.resolve(),
};

/** How long start-up waits for Redis: a node starts without it, degraded, and follows once it answers. */
const CONNECT_WAIT_MS = 3000;

export async function openCluster(
  settings: { redisUrl: string; prefix: string } | null,
  store: SessionStore,
  logger: Logger,
  observer: FanoutObserver,
): Promise<Cluster> {
  if (!settings) return singleNode;
  const node = randomBytes(9).toString('base64url');
  const log = logger.child({ node });
  const feed = new RedisFeed(settings.redisUrl, settings.prefix, node, {
    received: (sessionId, change) => follower.received(sessionId, change),
    back: () => follower.back(),
  }, log, observer);
  const members = new SharedMembers(feed, settings.prefix);
  const away = new SharedStaffClock(feed, settings.prefix);
  const follower = new TableFollower(feed, members, away, store, log);
  const presence = new ClusterPresence(feed, settings.prefix, node, log);
  await waitFor(feed.connect(), CONNECT_WAIT_MS).catch((error: unknown) => log.error({ err: error }, 'fan-out: Redis does not answer at start'));
  presence.start();
  log.info('fan-out: following tables through Redis');
  return {
    keeper: follower,
    presence,
    websocketOnly: true,
    away,
    share: (sessionId: string, change: TableChange) => {
      if (change.kind === 'member') members.add(sessionId, change.userId).catch(() => undefined);
      feed.publish(sessionId, change);
    },
    start: (followed) => follower.start(followed),
    engines: () => ({ fanout: feed.state }),
    linkCodes: (lifetimeMs) => new RedisLinkCodes(feed, settings.prefix, lifetimeMs),
    close: async () => {
      follower.stop();
      await presence.stop();
      await feed.close();
    },
  };
}

function waitFor(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
