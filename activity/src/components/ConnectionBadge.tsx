import { connectionLabel } from '../model/connection-label';
import { useTable } from '../store/table-store';

export function ConnectionBadge() {
  const status = useTable((s) => s.status);
  const pending = useTable((s) => s.pendingEdits);
  const { tone, text } = connectionLabel(status, pending);
  return (
    <div className={`connection tone-${tone}`} role="status" aria-label="Connection" data-status={status}>
      <span className="dot" aria-hidden="true" />
      <span>{text}</span>
    </div>
  );
}
