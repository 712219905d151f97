import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { DICE_LOG_KEY, DICE_LOG_LIMIT, ROLL_DICE_EVENT, type DiceRoll } from '../shared/dice';
import { PRESENCE_EVENT, type PresenceEvent } from '../shared/presence';
import { eventually, guestToken, nextEvent, openSocket, request, startTestServer, type TestServer } from './support/harness';

describe('table events: server dice and presence', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ UPDATES_PER_SECOND: '1000', UPDATES_BURST: '1000' });
  });
  after(() => server.stop());

  async function player(name: string): Promise<Socket> {
    return openSocket(server.url, await guestToken(server.url, name));
  }

  async function hostedTable(): Promise<{ host: Socket; sessionId: string }> {
    const host = await player('Hana');
    const { sessionId } = await request(host, 'create-session');
    await request(host, 'join-session', sessionId);
    return { host, sessionId };
  }

  it('D1: the server rolls, logs the roll in the state and broadcasts it as a delta', async () => {
    const { host, sessionId } = await hostedTable();
    const delta = nextEvent(host, 'game-state-delta');
    const ack = await request<{ ok: true; roll: DiceRoll; version: number }>(host, ROLL_DICE_EVENT, { expression: '3d6+2' });
    assert.equal(ack.ok, true);
    assert.equal(ack.roll.expression, '3d6+2');
    assert.equal(ack.roll.by.name, 'Hana');
    const faces = ack.roll.groups[0]?.results ?? [];
    assert.equal(faces.length, 3);
    assert.ok(faces.every((face) => Number.isInteger(face) && face >= 1 && face <= 6));
    assert.equal(ack.roll.total, faces.reduce((a, b) => a + b, 0) + 2);
    assert.equal((await delta).version, ack.version);
    const session = await server.registry.get(sessionId);
    assert.deepEqual(session.state[DICE_LOG_KEY], [ack.roll]);
    host.disconnect();
  });

  it('D2: bad expressions, outsiders and hand-written logs are refused and change nothing', async () => {
    const { host, sessionId } = await hostedTable();
    const tooMany = await request(host, ROLL_DICE_EVENT, { expression: '500d6' });
    assert.deepEqual([tooMany.ok, tooMany.error.code], [false, 'invalid-payload']);
    const outsider = await player('Otto');
    const notIn = await request(outsider, ROLL_DICE_EVENT, { expression: '1d6' });
    assert.equal(notIn.error.code, 'not-in-session');
    const faked = await request(host, 'update-game-state', { updates: { [DICE_LOG_KEY]: [{ id: 'x', total: 12 }] } });
    assert.deepEqual([faked.ok, faked.error.code], [false, 'forbidden']);
    const session = await server.registry.get(sessionId);
    assert.equal(session.currentVersion, 0);
    host.disconnect();
    outsider.disconnect();
  });

  it('D3: concurrent rolls all land in the log, which keeps only the latest ones', async () => {
    const { host, sessionId } = await hostedTable();
    const guest = await player('Gil');
    await request(guest, 'join-session', sessionId);
    const acks = await Promise.all([host, guest, host, guest].map((socket) => request(socket, ROLL_DICE_EVENT, { expression: '1d6' })));
    const session = await server.registry.get(sessionId);
    const log = session.state[DICE_LOG_KEY] as DiceRoll[];
    assert.deepEqual(new Set(log.map((roll) => roll.id)), new Set(acks.map((ack) => ack.roll.id)));
    for (let i = 0; i < DICE_LOG_LIMIT; i++) await session.applyUpdate({ updates: { filler: i } });
    for (let i = 0; i < 3; i++) await request(host, ROLL_DICE_EVENT, { expression: '1d4' });
    const rolls = await Promise.all(Array.from({ length: 3 }, () => request(guest, ROLL_DICE_EVENT, { expression: '1d4' })));
    const trimmed = session.state[DICE_LOG_KEY] as DiceRoll[];
    assert.ok(trimmed.length <= DICE_LOG_LIMIT);
    const kept = new Set(trimmed.map((roll) => roll.id));
    assert.ok(rolls.every((ack) => kept.has(ack.roll.id)), 'the latest rolls are kept');
    host.disconnect();
    guest.disconnect();
  });

  it('P1: everyone at the table hears who joins and leaves, with the host marked', async () => {
    const { host, sessionId } = await hostedTable();
    const seen: PresenceEvent[] = [];
    host.on(PRESENCE_EVENT, (event: PresenceEvent) => seen.push(event));
    const guest = await player('Gil');
    const guestHears = nextEvent<PresenceEvent>(guest, PRESENCE_EVENT);
    await request(guest, 'join-session', sessionId);
    const joined = await guestHears;
    assert.equal(joined.sessionId, sessionId);
    assert.deepEqual(joined.members.map((m) => [m.name, m.role]).sort(), [['Gil', 'player'], ['Hana', 'host']]);
    await eventually(() => seen.at(-1)?.members.length === 2, 3000, 'host hears the join');
    guest.disconnect();
    await eventually(() => seen.at(-1)?.members.length === 1, 3000, 'host hears the leave');
    assert.equal(seen.at(-1)?.members[0]?.name, 'Hana');
    host.disconnect();
  });
});
