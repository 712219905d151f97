import { useTable } from '../store/table-store';
import { Splash } from './Splash';

/** Inside Discord, when the activity cannot go on: why, and a way to try again when that may help. */
export function Stopped() {
  const stop = useTable((s) => s.stop);
  const retry = useTable((s) => s.retryDiscord);
  return (
    <Splash lead={stop?.text ?? 'The table is not available.'}>
      {stop?.retry && (
        <button className="primary" onClick={retry}>
          Try again
        </button>
      )}
    </Splash>
  );
}
