import { useState } from 'react';
import { useDiscord } from '../store/discord-store';
import { useTable } from '../store/table-store';

/**
 * Shares the table: asks the server for a join link a plain browser can open and copies it;
 * where the clipboard is refused (Discord's frame) the link shows in a field to copy by hand.
 * Inside a Discord server it also offers Discord's own invite dialog.
 */
export function ShareButton({ wide = false }: { wide?: boolean }) {
  const sessionId = useTable((s) => s.sessionId);
  const link = useTable((s) => s.joinLink?.url);
  const shareLink = useTable((s) => s.shareLink);
  const canInvite = useDiscord((s) => s.canInvite);
  const [copied, setCopied] = useState(false);
  const [byHand, setByHand] = useState<string | null>(null);
  if (!sessionId) return null;

  const share = async () => {
    const fresh = await shareLink();
    if (!fresh) return;
    try {
      await navigator.clipboard.writeText(fresh.url);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setByHand(fresh.url);
    }
  };

  const invite = () =>
    useDiscord
      .getState()
      .openInviteDialog()
      .catch(() => useTable.getState().say('Discord did not open its invite dialog; share the link instead.'));

  return (
    <span className="share">
      <button className={wide ? 'primary' : 'accent'} onClick={() => void share()} data-link={link}>
        {copied ? 'Link copied ✓' : 'Share link'}
      </button>
      {canInvite && (
        <button className={wide ? 'invite' : 'invite ghost'} onClick={() => void invite()}>
          Invite from Discord
        </button>
      )}
      {byHand && <LinkPanel url={byHand} onClose={() => setByHand(null)} />}
    </span>
  );
}

/** The link in a readonly field, selected, for a player to copy by hand. */
function LinkPanel({ url, onClose }: { url: string; onClose: () => void }) {
  return (
    <div className="link-panel card" role="dialog" aria-label="Join link">
      <p>Copy this link and send it to the others:</p>
      <input
        readOnly
        value={url}
        aria-label="Join link to copy"
        onFocus={(e) => e.currentTarget.select()}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
        autoFocus
      />
      <button className="icon" aria-label="Close" onClick={onClose}>
        ✕
      </button>
    </div>
  );
}
