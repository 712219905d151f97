import { useState } from 'react';
import { tableLink } from '../platform/platform';
import { useTable } from '../store/table-store';

/** Copies the table's join link (or shows it where the clipboard is not allowed, as in some iframes). */
export function ShareButton({ wide = false }: { wide?: boolean }) {
  const sessionId = useTable((s) => s.sessionId);
  const say = useTable((s) => s.say);
  const [copied, setCopied] = useState(false);
  if (!sessionId) return null;
  const link = tableLink(location.origin, sessionId);

  const share = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      say(`Share this link: ${link}`);
    }
  };

  return (
    <button className={wide ? 'primary' : 'accent'} onClick={() => void share()} data-link={link}>
      {copied ? 'Link copied ✓' : 'Share link'}
    </button>
  );
}
