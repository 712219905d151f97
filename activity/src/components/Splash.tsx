import type { ReactNode } from 'react';
import { Icon } from './Icon';

/** The centered card of the screens before the table: sign-in, lobby, joining. */
export function Splash({ lead, children }: { lead: string; children: ReactNode }) {
  return (
    <main className="splash">
      <section className="splash-card">
        <h1 className="brand">
          <Icon name="book" size={32} /> Gamebook Studio
        </h1>
        <p className="lead">{lead}</p>
        {children}
      </section>
    </main>
  );
}
