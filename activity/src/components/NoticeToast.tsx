import { useEffect } from 'react';
import { useTable } from '../store/table-store';

const SHOWN_MS = 5000;
/** Long enough to notice a mistake and take it back. */
const WITH_ACTION_MS = 10_000;

export function NoticeToast() {
  const notice = useTable((s) => s.notice);
  const dismiss = useTable((s) => s.dismissNotice);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(dismiss, notice.action ? WITH_ACTION_MS : SHOWN_MS);
    return () => clearTimeout(timer);
  }, [notice, dismiss]);

  if (!notice) return null;
  return (
    <div className="toast" role="alert">
      <span>{notice.text}</span>
      {notice.action && (
        <button
          className="toast-action"
          onClick={() => {
            notice.action?.run();
            dismiss();
          }}
        >
          {notice.action.label}
        </button>
      )}
      <button className="icon" aria-label="Dismiss" onClick={dismiss}>
        ✕
      </button>
    </div>
  );
}
