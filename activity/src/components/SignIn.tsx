import { useState, type FormEvent } from 'react';
import { useTable } from '../store/table-store';
import { LinkDeviceForm } from './IdentityTools';
import { Splash } from './Splash';

export function SignIn() {
  const [name, setName] = useState('');
  const busy = useTable((s) => s.busy);
  const invited = useTable((s) => s.sessionId !== null);
  const signIn = useTable((s) => s.signIn);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) void signIn(name.trim());
  };

  return (
    <Splash lead={invited ? 'You have been invited to a table. What shall we call you?' : 'Play a gamebook together. What shall we call you?'}>
      <form className="stack" onSubmit={submit}>
        <label className="field">
          <span>Your name</span>
          <input autoFocus value={name} maxLength={64} onChange={(e) => setName(e.target.value)} placeholder="e.g. Ayla" autoComplete="nickname" />
        </label>
        <button className="primary" type="submit" disabled={busy || !name.trim()}>
          {invited ? 'Join the table' : 'Continue'}
        </button>
      </form>
      <div className="divider">or, already playing on another device</div>
      <LinkDeviceForm />
    </Splash>
  );
}
