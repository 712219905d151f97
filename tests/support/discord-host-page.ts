/**
 * A page playing the Discord client around the activity's iframe: it answers the SDK's handshake
 * with READY, AUTHORIZE with a code, AUTHENTICATE with a user, the participants list, and the
 * commands the table sends (SET_ACTIVITY, SET_ORIENTATION_LOCK_STATE, OPEN_INVITE_DIALOG), over
 * the SDK's frame messages. It records what it is sent: `window.commands` (the names),
 * `window.sent` (`{ cmd, args, evt }`) and `window.closedWith` (the activity's CLOSE, `{ code, message }`);
 * `window.dispatch(evt, data)` sends an event the activity subscribed to (a layout mode change).
 * Served on the activity's own origin, which the SDK accepts as its RPC peer.
 */
export interface HostPageOptions {
  activityUrl: string;
  /** The code for each AUTHORIZE in turn (a refused token makes the activity authorize again). */
  codes: string[];
  user: { id: string; username: string };
  applicationId: string;
  participants?: Array<{ id: string; username: string; nickname?: string; avatar?: string | null }>;
  /** The frame's size, a phone's for the phone layout. */
  frame?: { width: number; height: number };
}

/** Commands Discord answers with an empty object; SET_ACTIVITY echoes the activity it was given. */
const EMPTY_ANSWERS = ['SET_ORIENTATION_LOCK_STATE', 'OPEN_INVITE_DIALOG', 'CAPTURE_LOG'];

export function discordHostPage(options: HostPageOptions): string {
  const settings = JSON.stringify({ frame: { width: 1280, height: 760 }, ...options, emptyAnswers: EMPTY_ANSWERS });
  // Discord's frame is on another origin and is not allowed the clipboard; this one shares our
  // origin, so the refusal is explicit
  return `<!doctype html><html><body style="margin:0">
<iframe id="activity" allow="clipboard-write 'none'; clipboard-read 'none'" style="border:0"></iframe>
<script>
const settings = ${settings};
window.commands = [];
window.sent = [];
window.closedWith = null;
let authorized = 0;
const frame = document.getElementById('activity');
frame.style.width = settings.frame.width + 'px';
frame.style.height = settings.frame.height + 'px';
const send = (message) => frame.contentWindow.postMessage(message, '*');
const answer = (payload, data) => send([1, { cmd: payload.cmd, nonce: payload.nonce, evt: null, data }]);
window.dispatch = (evt, data) => send([1, { cmd: 'DISPATCH', evt, nonce: null, data }]);
addEventListener('message', (event) => {
  if (event.source !== frame.contentWindow || !Array.isArray(event.data)) return;
  const [opcode, payload] = event.data;
  if (opcode === 0) {
    window.commands.push('HANDSHAKE');
    send([1, { cmd: 'DISPATCH', evt: 'READY', nonce: 'ready', data: { v: 1, config: { cdn_host: 'cdn.discordapp.com', api_endpoint: '//discord.com/api', environment: 'production' } } }]);
    return;
  }
  if (opcode === 2) {
    window.commands.push('CLOSE');
    window.closedWith = { code: payload.code, message: payload.message };
    return;
  }
  if (opcode !== 1) return;
  window.commands.push(payload.cmd);
  window.sent.push({ cmd: payload.cmd, args: payload.args, evt: payload.evt });
  if (payload.cmd === 'AUTHORIZE') {
    answer(payload, { code: settings.codes[Math.min(authorized++, settings.codes.length - 1)] });
  } else if (payload.cmd === 'GET_ACTIVITY_INSTANCE_CONNECTED_PARTICIPANTS') {
    const participants = (settings.participants || []).map((p) => ({ discriminator: '0', avatar: null, flags: 0, bot: false, global_name: null, ...p }));
    answer(payload, { participants });
  } else if (payload.cmd === 'SUBSCRIBE') {
    answer(payload, { evt: payload.evt });
  } else if (payload.cmd === 'AUTHENTICATE') {
    const user = { ...settings.user, discriminator: '0', public_flags: 0, avatar: null, global_name: null };
    const application = { id: settings.applicationId, name: 'Gamebook Studio', description: '', icon: null };
    answer(payload, { access_token: payload.args.access_token, user, scopes: ['identify', 'rpc.activities.write'], expires: '2099-01-01T00:00:00.000Z', application });
  } else if (payload.cmd === 'SET_ACTIVITY') {
    answer(payload, { name: 'Gamebook Studio', application_id: settings.applicationId, ...payload.args.activity });
  } else if (settings.emptyAnswers.includes(payload.cmd)) {
    answer(payload, {});
  }
});
frame.src = settings.activityUrl;
</script></body></html>`;
}
