import { create } from 'zustand';
import type { DiscordLink, DiscordSignIn, ParticipantFaces } from '../platform/discord-platform';
import type { DiscordPlace } from '../../../shared/protocol';
import { playingOf } from '../platform/rich-presence';
import { useBook } from './book-store';

/** What the table shows of Discord: whose channel's table it is, the small layout, the invite dialog. */
export interface DiscordData {
  place: DiscordPlace | null;
  /** Picture-in-picture or a grid tile: only the current page and the people are shown. */
  simple: boolean;
  canInvite: boolean;
}

export interface DiscordActions {
  /**
   * Signs in through Discord: the first time it loads the SDK (only inside Discord, its own
   * chunk), waits for it, and sets up what the activity asks of the client; later calls (a
   * refused token) only redo the authorization and the token exchange.
   */
  signIn(onFaces: (faces: ParticipantFaces) => void): Promise<DiscordSignIn>;
  openInviteDialog(): Promise<void>;
  /** Ends the activity (Discord removes its frame), with the reason. */
  close(message: string): void;
}

export const useDiscord = create<DiscordData & DiscordActions>()((set) => {
  let link: Promise<DiscordLink> | null = null;

  const connect = (onFaces: (faces: ParticipantFaces) => void): Promise<DiscordLink> => {
    link ??= import('../platform/discord-platform').then(async ({ connectDiscord }) => {
      const connected = await connectDiscord();
      connected.watchParticipants(onFaces);
      connected.watchLayoutMode((simple) => set({ simple }));
      connected.lockOrientation();
      showPlaying(connected);
      set({ canInvite: connected.canInvite });
      return connected;
    });
    // a failed start (Discord or our server not answering) may be tried again from scratch
    link.catch(() => (link = null));
    return link;
  };

  return {
    place: null,
    simple: false,
    canInvite: false,

    async signIn(onFaces) {
      const signedIn = await (await connect(onFaces)).signIn();
      set({ place: signedIn.place });
      return signedIn;
    },

    async openInviteDialog() {
      await (await link)?.openInviteDialog();
    },

    close(message) {
      void link?.then((connected) => connected.close(message));
    },
  };
});

/** Rich presence follows the book and the page this player sees. */
function showPlaying(link: DiscordLink): void {
  const playing = () => {
    const { pdfs, follow, pageCount } = useBook.getState();
    link.showPlaying(playingOf({ pdfs, view: follow.view, pageCount }));
  };
  playing();
  useBook.subscribe(playing);
}
