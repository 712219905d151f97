import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { guest, openSocket, request, startTestServer, type TestServer } from './support/harness';

describe('one identity across names and devices', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ LINK_ATTEMPTS_PER_ADDRESS_PER_MINUTE: '6' });
  });
  after(() => server.stop());

  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('I1: a rename keeps the user id, so the host of a table stays its host', async () => {
    const hana = await guest(server.url, 'Hana');
    const host = await openSocket(server.url, hana.token);
    const { sessionId } = await request(host, 'create-session');
    const renamed = await post('/api/auth/rename', { name: 'Hana the Bold' }, hana.token);
    assert.equal(renamed.status, 200);
    assert.deepEqual(renamed.body.user, { id: hana.user.id, name: 'Hana the Bold' });
    const again = await openSocket(server.url, renamed.body.token);
    assert.equal((await request(again, 'join-session', sessionId)).role, 'host');
    assert.equal((await post('/api/auth/rename', { name: 'x' })).status, 401, 'a rename needs the token');
    assert.equal((await post('/api/auth/rename', { name: '' }, hana.token)).body.error.code, 'invalid-payload');
    host.disconnect();
    again.disconnect();
  });

  it('I2: a one-time code hands the identity to a second device once; a wrong or used code is refused; tries are limited', async () => {
    const pia = await guest(server.url, 'Pia');
    const issued = await post('/api/auth/link-code', {}, pia.token);
    assert.equal(issued.status, 200);
    assert.match(issued.body.code, /^[2-9A-HJ-NP-Z]{8}$/);
    const linked = await post('/api/auth/link', { code: issued.body.code.toLowerCase() });
    assert.equal(linked.status, 200);
    assert.deepEqual(linked.body.user, pia.user, 'the same user on the second device');
    const used = await post('/api/auth/link', { code: issued.body.code });
    assert.equal(used.status, 404);
    assert.equal(used.body.error.code, 'not-found');
    assert.equal((await post('/api/auth/link-code', {})).status, 401);
    // 6 a minute from one address, codes asked for and tried alike: 4 above, 2 more, then refused
    for (let i = 0; i < 2; i++) assert.equal((await post('/api/auth/link', { code: 'WRONGCODE' })).status, 404);
    const limited = await post('/api/auth/link', { code: 'WRONGCODE' });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate-limited');
  });
});

describe('link codes expire', () => {
  it('I3: a code older than LINK_CODE_SECONDS no longer links', async () => {
    const server = await startTestServer({ LINK_CODE_SECONDS: '1' });
    try {
      const pia = await guest(server.url, 'Pia');
      const { code } = (await (await fetch(`${server.url}/api/auth/link-code`, { method: 'POST', headers: { authorization: `Bearer ${pia.token}` } })).json()) as { code: string };
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const late = await fetch(`${server.url}/api/auth/link`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
      assert.equal(late.status, 404);
    } finally {
      await server.stop();
    }
  });
});
