import { useEffect } from 'react';
import { useTable } from '../store/table-store';

const SHOWN_MS = 5000;

export function NoticeToast() {
  const notice = useTable((s) => s.notice);
  const dismiss = useTable((s) => s.dismissNotice);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(dismiss, SHOWN_MS);
    return () => clearTimeout(timer);
  }, [notice, dismiss]);

  if (!notice) return null;
  return (
    <div className="toast" role="alert">
      <span>{notice.text}</span>
      <button className="icon" aria-label="Dismiss" onClick={dismiss}>
        ✕
      </button>
    </div>
  );
}
