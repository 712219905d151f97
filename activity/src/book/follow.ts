import type { PageView } from '../../../shared/layers-protocol';

/**
 * Which page a player looks at. By default they follow the host: the host's navigation moves
 * everyone. A player who turns a page or zooms themselves stops following and looks around; one
 * click (or the host bringing everyone) puts them back on the host's view.
 */
export interface FollowState {
  /** What this player's screen shows. */
  view: PageView | null;
  /** The host's last view, as the server relayed it. */
  hostView: PageView | null;
  following: boolean;
}

export type FollowEvent =
  | { type: 'host-moved'; view: PageView }
  | { type: 'i-moved'; view: PageView; isHost: boolean }
  | { type: 'resume' }
  | { type: 'summoned'; view: PageView };

export const startFollowing = (hostView: PageView | null): FollowState => ({ view: hostView, hostView, following: true });

export function follow(state: FollowState, event: FollowEvent): FollowState {
  switch (event.type) {
    case 'host-moved':
      return { hostView: event.view, view: state.following || !state.view ? event.view : state.view, following: state.following };
    case 'i-moved':
      // the host's own view is the table's view; anyone else is now looking around
      if (event.isHost) return { view: event.view, hostView: event.view, following: true };
      return { ...state, view: event.view, following: sameView(event.view, state.hostView) && state.following };
    case 'resume':
      return { ...state, view: state.hostView ?? state.view, following: true };
    case 'summoned':
      return { view: event.view, hostView: event.view, following: true };
  }
}

export function sameView(a: PageView | null, b: PageView | null): boolean {
  return !!a && !!b && a.pdfId === b.pdfId && a.currentPage === b.currentPage && a.scale === b.scale;
}

export const MIN_SCALE = 0.25;
export const MAX_SCALE = 6;

export function clampScale(scale: number): number {
  return Math.round(Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale)) * 1000) / 1000;
}

export function clampPage(page: number, pageCount: number): number {
  return Math.min(Math.max(1, Math.round(page)), Math.max(1, pageCount));
}
