/**
 * Where the activity runs. Discord opens it in an iframe with `frame_id` and `instance_id` in
 * the query; the Discord handshake (issue 6) hooks in where the store starts on that platform.
 */
export type Platform = { kind: 'discord'; frameId: string; instanceId: string } | { kind: 'browser' };

export function detectPlatform(search: string): Platform {
  const query = new URLSearchParams(search);
  const frameId = query.get('frame_id');
  const instanceId = query.get('instance_id');
  return frameId && instanceId ? { kind: 'discord', frameId, instanceId } : { kind: 'browser' };
}

const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The table a join link points to: `/t/ID` or `/?session=ID`; null when there is none (or it is malformed). */
export function sessionFromLocation(pathname: string, search: string): string | null {
  const fromPath = /^\/t\/([^/]+)\/?$/.exec(pathname)?.[1];
  const candidate = fromPath ? decodeURIComponent(fromPath) : new URLSearchParams(search).get('session');
  return candidate && SESSION_ID.test(candidate) ? candidate : null;
}

export function tablePath(sessionId: string): string {
  return `/t/${encodeURIComponent(sessionId)}`;
}

/** The link the host shares: opening it joins the table (the unguessable id is the invitation). */
export function tableLink(origin: string, sessionId: string): string {
  return `${origin}${tablePath(sessionId)}`;
}
