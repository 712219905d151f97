/**
 * A bare Engine.IO long-polling client that polls only when told to: between two polls the server
 * must queue whatever it sends, so a test sees exactly what was queued, without kernel buffers.
 */

const RECORD_SEPARATOR = '\x1e';
const POLL_TIMEOUT_MS = 10_000;

/** One Socket.IO packet as received: its type digit, its ack id, and its JSON. */
export interface PolledPacket {
  type: string;
  id?: number;
  data: unknown;
}

export class PollingClient {
  private constructor(
    private readonly endpoint: string,
    private sent = 0,
  ) {}

  /** Opens the Engine.IO session and the Socket.IO connection with `token`. */
  static async connect(baseUrl: string, token: string): Promise<PollingClient> {
    const base = `${baseUrl}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const { sid } = JSON.parse(open.slice(1)) as { sid: string };
    const client = new PollingClient(`${base}&sid=${sid}`);
    await client.post([`40${JSON.stringify({ token })}`]);
    const [connected] = await client.poll();
    if (connected?.type !== '0') throw new Error(`the Socket.IO connection was refused: ${JSON.stringify(connected)}`);
    return client;
  }

  /** Sends events in one request, each with an ack id; resolves with the ids. */
  async emit(...events: Array<[string, unknown]>): Promise<number[]> {
    const ids = events.map(() => ++this.sent);
    await this.post(events.map(([event, payload], i) => `42${ids[i]}${JSON.stringify([event, payload])}`));
    return ids;
  }

  /** One poll: every packet the server had queued (or the first it sends), pings answered. */
  async poll(): Promise<PolledPacket[]> {
    const response = await fetch(this.endpoint, { signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
    const packets: PolledPacket[] = [];
    for (const record of (await response.text()).split(RECORD_SEPARATOR)) {
      if (record === '2') await this.post(['3']);
      else if (record.startsWith('4')) packets.push(decode(record.slice(1)));
    }
    return packets;
  }

  close(): Promise<void> {
    return this.post(['1']);
  }

  private async post(records: string[]): Promise<void> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: records.join(RECORD_SEPARATOR),
    });
    if (!response.ok) throw new Error(`POST answered ${response.status}`);
    await response.text();
  }
}

function decode(packet: string): PolledPacket {
  const match = /^(\d)(\d*)([[{].*)?$/s.exec(packet);
  if (!match) throw new Error(`not a Socket.IO packet: ${packet.slice(0, 80)}`);
  const [, type = '', id, json] = match;
  return { type, ...(id ? { id: Number(id) } : {}), data: json === undefined ? undefined : JSON.parse(json) };
}
