import type { Socket } from 'socket.io';
import { ProtocolError } from '../../shared/errors';
import { pageViewSchema, TableClientEvent, TableServerEvent, type PageView } from '../../shared/layers-protocol';
import { RateLimiter } from '../limits/rate-limiter';
import type { Register } from './session-handlers';
import { roomOf } from './rooms';
import { joinedSessionId, type TableContext } from './table-context';
import { quotaOf } from './user-limits';

/** `navigate-page` (and the spec's `Maps-page`): kept as the session's view, sent to the others. */
export function registerPageHandlers(socket: Socket, context: TableContext, on: Register): void {
  // zooming fires often: navigation shares the live updates' budget figures, in a bucket of its own
  const limiter = quotaOf(socket).live(new RateLimiter(context.live.perSecond, context.live.burst));
  const navigate = async (view: PageView) => {
    const sessionId = joinedSessionId(socket);
    if (!limiter.tryTake()) throw new ProtocolError('rate-limited', 'too many page changes: slow down');
    const session = await context.registry.get(sessionId);
    // in the session's turn, so a joiner gets either this view in its full state or the event
    await session.exclusive(() => {
      session.table.view = view;
      socket.to(roomOf(sessionId)).emit(TableServerEvent.pageNavigated, view);
      context.channel.share(sessionId, { kind: 'view', view });
      // stored behind, not awaited: navigation is frequent and cheap to redo, so it does not wait
      // for a commit; the writes keep their order, and a clean stop commits the last one
      context.stores.views.saveView(sessionId, view).catch((error: unknown) => {
        context.logger.warn({ err: error, sessionId, view }, 'could not store the page view');
      });
    });
  };
  on(TableClientEvent.navigatePage, pageViewSchema, navigate);
  on(TableClientEvent.mapsPage, pageViewSchema, navigate);
}
