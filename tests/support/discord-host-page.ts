/**
 * A page playing the Discord client around the activity's iframe: it answers the SDK's handshake
 * with READY, AUTHORIZE with `code`, AUTHENTICATE with a user, and the participants list, over the
 * SDK's frame messages.
 * Served on the activity's own origin, which the SDK accepts as its RPC peer.
 */
export interface HostPageOptions {
  activityUrl: string;
  code: string;
  user: { id: string; username: string };
  applicationId: string;
  participants?: Array<{ id: string; username: string; nickname?: string; avatar?: string | null }>;
}

export function discordHostPage(options: HostPageOptions): string {
  const settings = JSON.stringify(options);
  return `<!doctype html><html><body style="margin:0">
<iframe id="activity" style="width:1280px;height:760px;border:0"></iframe>
<script>
const settings = ${settings};
window.commands = [];
const frame = document.getElementById('activity');
const send = (message) => frame.contentWindow.postMessage(message, '*');
addEventListener('message', (event) => {
  if (event.source !== frame.contentWindow || !Array.isArray(event.data)) return;
  const [opcode, payload] = event.data;
  if (opcode === 0) {
    window.commands.push('HANDSHAKE');
    send([1, { cmd: 'DISPATCH', evt: 'READY', nonce: 'ready', data: { v: 1, config: { cdn_host: 'cdn.discordapp.com', api_endpoint: '//discord.com/api', environment: 'production' } } }]);
    return;
  }
  if (opcode !== 1) return;
  window.commands.push(payload.cmd);
  if (payload.cmd === 'AUTHORIZE') {
    send([1, { cmd: 'AUTHORIZE', nonce: payload.nonce, evt: null, data: { code: settings.code } }]);
  } else if (payload.cmd === 'GET_ACTIVITY_INSTANCE_CONNECTED_PARTICIPANTS') {
    const participants = (settings.participants || []).map((p) => ({ discriminator: '0', avatar: null, flags: 0, bot: false, global_name: null, ...p }));
    send([1, { cmd: payload.cmd, nonce: payload.nonce, evt: null, data: { participants } }]);
  } else if (payload.cmd === 'SUBSCRIBE') {
    send([1, { cmd: 'SUBSCRIBE', nonce: payload.nonce, evt: null, data: { evt: payload.evt } }]);
  } else if (payload.cmd === 'AUTHENTICATE') {
    const user = { ...settings.user, discriminator: '0', public_flags: 0, avatar: null, global_name: null };
    const application = { id: settings.applicationId, name: 'Gamebook Studio', description: '', icon: null };
    send([1, { cmd: 'AUTHENTICATE', nonce: payload.nonce, evt: null, data: { access_token: payload.args.access_token, user, scopes: ['identify'], expires: '2099-01-01T00:00:00.000Z', application } }]);
  }
});
frame.src = settings.activityUrl;
</script></body></html>`;
}
