import type { Role } from './protocol';

/** Server to client, to the whole session on every join and leave: who is at the table. */
export const PRESENCE_EVENT = 'presence';

export type PresenceMember = { id: string; name: string; role: Role };

export type PresenceEvent = { sessionId: string; members: PresenceMember[] };
