import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson } from '../shared/canonical-json';
import { differ, type Delta } from '../shared/diff';
import { patchImmutably } from '../shared/immutable-patch';
import type { JsonObject, JsonValue } from '../shared/json';
import { canonicalPart } from '../shared/canonical-crc';
import { assertPartMatches } from './support/crc-reference';
import { applyEdit, json, listEdit, text, wideList } from './support/json-arbitraries';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const fallback = (value: JsonValue | undefined, delta: Delta) => differ.patch(value, delta);
describe(`canonical CRC kept per value against npm crc-32 (fast-check, seed ${SEED}, ${RUNS} runs)`, () => {
  it('C6: any JSON value (unicode, lone surrogates, escapes, numbers, empty containers) has the CRC and length of its canonical JSON', () => {
    fc.assert(
      fc.property(json, (value) => assertPartMatches(value, canonicalJson(value))),
      { seed: SEED, numRuns: RUNS * 10 },
    );
    for (const value of [{}, [], [[]], { '': {} }, [{}, [], ''], { a: [] }] as JsonValue[]) assertPartMatches(value, canonicalJson(value));
  });

  it('C7: a wide list patched edit by edit (deep edits, inserts, removals, moves) keeps the exact CRC at every step', () => {
    fc.assert(
      fc.property(wideList, fc.array(listEdit, { minLength: 1, maxLength: 12 }), (start, edits) => {
        let list: JsonValue = start;
        assertPartMatches(list, 'the list before any edit');
        for (const edit of edits) {
          const wanted = applyEdit(list as JsonObject[], edit);
          const delta = differ.diff(list, wanted);
          list = patchImmutably(list, delta, fallback) as JsonValue;
          assert.deepEqual(list, wanted);
          assertPartMatches(list, `after ${edit.kind}`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('C8: a wide object (a map by unicode keys) patched key by key keeps the exact CRC', () => {
    const wideMap = fc.dictionary(text, json, { minKeys: 34, maxKeys: 70, noNullPrototype: true });
    const step = fc.record({ key: text, value: fc.option(json, { nil: undefined }) });
    fc.assert(
      fc.property(wideMap, fc.array(step, { minLength: 1, maxLength: 10 }), (start, steps) => {
        let map: JsonValue = start;
        assertPartMatches(map, 'the map before any edit');
        for (const { key, value } of steps) {
          const wanted: JsonObject = { ...(map as JsonObject) };
          if (value === undefined) delete wanted[key];
          else wanted[key] = value;
          map = patchImmutably(map, differ.diff(map, wanted), fallback) as JsonValue;
          assert.deepEqual(map, wanted);
          assertPartMatches(map, `after setting ${JSON.stringify(key)}`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('C9: versions derived from one another keep their own CRCs: an older version measured later is still exact', () => {
    fc.assert(
      fc.property(wideList, fc.array(listEdit, { minLength: 2, maxLength: 8 }), (start, edits) => {
        canonicalPart(start);
        const versions: JsonValue[] = [start];
        for (const edit of edits) {
          const last = versions.at(-1) as JsonObject[];
          versions.push(patchImmutably(last, differ.diff(last, applyEdit(last, edit)), fallback) as JsonValue);
        }
        // the newest first, then the others in reverse: each derived from a tree that may not exist yet
        for (const version of versions.reverse()) assertPartMatches(version, 'a version');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
