import { placeLabel } from '../platform/discord-place';
import { useDiscord } from '../store/discord-store';

/** Inside Discord: which channel's table this is (each voice channel, text channel and DM has its own). */
export function PlaceLabel() {
  const place = useDiscord((s) => s.place);
  if (!place) return null;
  const label = placeLabel(place);
  return (
    <span className="place" title={`The table of ${label}`}>
      <span className="place-prefix">Table of </span>
      <strong>{label}</strong>
    </span>
  );
}
