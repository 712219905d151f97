import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { differ } from '../shared/diff';
import { diffAlongPath, diffShared } from '../shared/identity-diff';
import type { JsonObject, JsonValue } from '../shared/json';
import { indexOfId } from '../shared/id-index';
import { patchImmutably } from '../shared/immutable-patch';
import { plainOf, type StoredValue } from '../shared/patched-array';
import { applyChange } from '../shared/path-changes';
import { changesBetween } from '../shared/path-diff';
import { assertPartMatches } from './support/crc-reference';
import { applyEdit, json, listEdit, wideList } from './support/json-arbitraries';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

/** `before` with the changes applied one by one, as the server applies them from the same version. */
function applied(before: JsonValue | undefined, changes: ReturnType<typeof changesBetween>): JsonValue | undefined {
  return plainOf(changes.reduce<StoredValue | undefined>((value, change) => applyChange(value, change), before));
}

describe(`path-level changes found and applied (fast-check, seed ${SEED}, ${RUNS} runs)`, () => {
  it('P6: the changes between two versions of a list rebuild the new version exactly, with its CRC; a field edit is one small change', () => {
    fc.assert(
      fc.property(wideList, fc.array(listEdit, { minLength: 1, maxLength: 6 }), (start, edits) => {
        const after = edits.reduce<JsonObject[]>(applyEdit, start);
        const changes = changesBetween('notes', start, after);
        const rebuilt = applied(start, changes) as JsonValue;
        assert.deepEqual(rebuilt, after);
        assertPartMatches(rebuilt, 'the rebuilt list');
        // the delta the server broadcasts for it turns the old list into the new one
        const delta = diffShared(start, rebuilt, differ);
        assert.deepEqual(differ.patch(structuredClone(start), structuredClone(delta)) ?? start, after);
        if (edits.length === 1 && edits[0]?.kind === 'field') assert.ok(changes.length <= 1, JSON.stringify(changes));
        // the server's shortcut for a single set walks its path only
        const only = changes.length === 1 && changes[0]?.op === 'set' ? changes[0] : undefined;
        if (only) assert.deepEqual(differ.patch(structuredClone(start), diffAlongPath(start, rebuilt, only.path.slice(1), differ)) ?? start, after);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('P7: between any two JSON values, the changes rebuild the second and the identity diff patches the first into it', () => {
    fc.assert(
      fc.property(json, json, (before, after) => {
        const rebuilt = applied({ k: before }, changesBetween('k', before, after).map((change) => ({ ...change, path: ['k', ...change.path] })));
        assert.deepEqual((rebuilt as JsonObject).k, after);
        const delta = diffShared(before, after, differ);
        assert.deepEqual(differ.patch(structuredClone(before), structuredClone(delta)), after);
      }),
      { seed: SEED, numRuns: RUNS * 5 },
    );
  });

  it('P9: the id index cached per array stays true across versions patched or changed from one another', () => {
    const fallback = (value: JsonValue | undefined, delta: ReturnType<typeof differ.diff>) => differ.patch(value, delta);
    fc.assert(
      fc.property(wideList, fc.array(listEdit, { minLength: 1, maxLength: 10 }), fc.boolean(), (start, edits, byChanges) => {
        let list: JsonObject[] = start;
        indexOfId(list, 'n0');
        for (const edit of edits) {
          const wanted = applyEdit(list, edit);
          list = (byChanges ? applied(list, changesBetween('notes', list, wanted)) : patchImmutably(list, differ.diff(list, wanted), fallback)) as JsonObject[];
          list.forEach((item, position) => assert.equal(indexOfId(list, item.id as string), position, `${item.id} after ${edit.kind}`));
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
