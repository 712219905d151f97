import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fresh, withSession } from './store-contract';
import type { StoreEngine } from './support/store-engines';

const roles = { hostId: 'user-b', gameMasters: ['user-a', 'user-c'], removed: ['user-x'] };
const gmDocument = {
  revision: 3,
  notes: [{ id: 'n1', text: 'the innkeeper lies' }],
  marks: [{ id: 'm1', pdfId: 'book', pageNum: 12, x: 0.25, y: 0.5, text: 'trap' }],
};

/** What the role store must do, whatever keeps it (K11, K12): roles are stored with the table. */
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
