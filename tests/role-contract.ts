import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fresh, rejectsWith, withSession } from './store-contract';
import type { StoreEngine } from './support/store-engines';

const roles = { hostId: 'user-b', gameMasters: ['user-a', 'user-c'], removed: ['user-x'] };
const gmDocument = {
  revision: 3,
  notes: [{ id: 'n1', text: 'the innkeeper lies' }],
  marks: [{ id: 'm1', pdfId: 'book', pageNum: 12, x: 0.25, y: 0.5, text: 'trap' }],
};

/** What the role store must do, whatever keeps it (K11, K12, K14): roles are stored with the table. */
export function roleContract(engine: StoreEngine): void {
  const name = engine.name;

  it(`K11 (${name}): keeps a table's roles and game master document across a restart; none stored is null`, async () => {
    const { storage, reopen } = await fresh(engine);
    await withSession(storage, 's', 1);
    assert.equal(await storage.tableStores.roles.loadRoles('s'), null, 'nothing stored yet: the creator is host');
    assert.equal(await storage.tableStores.roles.loadGmDocument('s'), null);
    await Promise.all([storage.tableStores.roles.saveRoles('s', roles), storage.tableStores.roles.saveGmDocument('s', gmDocument)]);
    await storage.tableStores.roles.saveRoles('s', { ...roles, removed: [...roles.removed, 'user-y'] });
    const reopened = await reopen();
    assert.deepEqual(await reopened.tableStores.roles.loadRoles('s'), { ...roles, removed: ['user-x', 'user-y'] });
    assert.deepEqual(await reopened.tableStores.roles.loadGmDocument('s'), gmDocument);
    assert.equal(await reopened.tableStores.roles.loadRoles('unknown'), null);
    await reopened.sessions.close();
  });

  it(`K14 (${name}): the game master document takes only a revision newer than the stored one: of two writers of one revision, one wins`, async () => {
    const { storage } = await fresh(engine);
    await withSession(storage, 's', 1);
    const { roles: store } = storage.tableStores;
    await store.saveGmDocument('s', gmDocument);
    const edit = (who: string) => ({ ...gmDocument, revision: 4, notes: [{ id: 'n1', text: `edited by ${who}` }] });
    const outcomes = await Promise.allSettled([store.saveGmDocument('s', edit('node a')), store.saveGmDocument('s', edit('node b'))]);
    assert.deepEqual(outcomes.map((outcome) => outcome.status).sort(), ['fulfilled', 'rejected']);
    const lost = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    assert.equal((lost.reason as { code?: string }).code, 'revision-taken');
    const winner = outcomes[0]?.status === 'fulfilled' ? 'node a' : 'node b';
    assert.deepEqual(await store.loadGmDocument('s'), edit(winner));
    await rejectsWith(store.saveGmDocument('s', { ...gmDocument, revision: 2 }), 'revision-taken', 'an older revision');
    await store.saveGmDocument('s', { ...edit(winner), revision: 5 });
    assert.equal((await store.loadGmDocument('s'))?.revision, 5);
    await storage.sessions.close();
  });

  it(`K12 (${name}): roles and the game master document go with their expired session`, async () => {
    const { storage } = await fresh(engine);
    await withSession(storage, 'old', 1);
    await storage.tableStores.roles.saveRoles('old', roles);
    await storage.tableStores.roles.saveGmDocument('old', gmDocument);
    const removed = await storage.sessions.removeUnusedSince(Date.now() + 1, new Set());
    for (const dependent of storage.dependents) await dependent.removeSessions(removed);
    assert.deepEqual(removed, ['old']);
    assert.equal(await storage.tableStores.roles.loadRoles('old'), null);
    assert.equal(await storage.tableStores.roles.loadGmDocument('old'), null);
    // a session created again under the same id starts with no roles of the old one
    await withSession(storage, 'old', 1);
    assert.equal(await storage.tableStores.roles.loadRoles('old'), null);
    await storage.sessions.close();
  });
}
