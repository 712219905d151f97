import type { DiscordPlace } from '../../../shared/protocol';

const UNNAMED: Record<DiscordPlace['kind'], string> = {
  voice: 'this voice channel',
  text: 'this channel',
  dm: 'this conversation',
};

/**
 * How the table names the channel it belongs to (each voice channel, text channel and DM has its
 * own): `#name`, or words for a channel whose name Discord did not give.
 */
export function placeLabel(place: DiscordPlace): string {
  return place.name ? `#${place.name}` : UNNAMED[place.kind];
}
