import { useState, type FormEvent } from 'react';
import { requestLinkCode } from '../platform/guest-identity';
import { useTable } from '../store/table-store';

/** A new name for the same player: the tables they run stay theirs. */
export function RenameForm() {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const { identity, busy, rename } = useTable();
  if (!open) {
    return (
      <button className="link" onClick={() => setOpen(true)}>
        Not {identity?.user.name}? Change name
      </button>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) void rename(name.trim()).then(() => setOpen(false));
  };
  return (
    <form className="row" onSubmit={submit}>
      <input aria-label="New name" autoFocus value={name} maxLength={64} onChange={(e) => setName(e.target.value)} placeholder="Your new name" />
      <button type="submit" disabled={busy || !name.trim()}>
        Rename
      </button>
    </form>
  );
}

/** Shows a one-time code that another device types in to become this same player. */
export function LinkDeviceCode() {
  const token = useTable((s) => s.identity?.token);
  const [code, setCode] = useState<string | null>(null);
  const show = () => {
    if (!token) return;
    requestLinkCode(token).then(
      (issued) => setCode(issued.code),
      (error: unknown) => useTable.getState().say(error instanceof Error ? error.message : 'no code now'),
    );
  };
  if (code) {
    return (
      <p className="link-code" role="status">
        On your other device, choose “I have a code” and type <strong aria-label="Device code">{code}</strong> (valid a few minutes, once).
      </p>
    );
  }
  return (
    <button className="link" onClick={show}>
      Use this player on another device
    </button>
  );
}

/** On a second device: the code the first one showed, instead of a new name. */
export function LinkDeviceForm() {
  const [code, setCode] = useState('');
  const { busy, linkDevice } = useTable();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim()) void linkDevice(code.trim());
  };
  return (
    <form className="row" onSubmit={submit}>
      <input aria-label="Code from your other device" value={code} maxLength={32} onChange={(e) => setCode(e.target.value)} placeholder="I have a code" />
      <button type="submit" disabled={busy || !code.trim()}>
        Link
      </button>
    </form>
  );
}
