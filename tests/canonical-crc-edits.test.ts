import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import CRC32 from 'crc-32';
import fc from 'fast-check';
import { canonicalJson } from '../shared/canonical-json';
import { canonicalPart } from '../shared/canonical-crc';
import { differ, type Delta } from '../shared/diff';
import { patchImmutably } from '../shared/immutable-patch';
import type { JsonObject, JsonValue } from '../shared/json';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

/** The independent reference: npm crc-32 over the UTF-8 bytes Node's encoder makes of canonicalJson. */
function reference(value: JsonValue): { crc: number; bytes: number } {
  const bytes = Buffer.from(canonicalJson(value), 'utf8');
  return { crc: CRC32.buf(bytes) >>> 0, bytes: bytes.length };
}

function assertPartMatches(value: JsonValue, what: string): void {
  const part = canonicalPart(value);
  assert.deepEqual({ crc: part.crc, bytes: part.bytes }, reference(value), what);
}

// strings of any UTF-16 units: astral pairs, lone surrogates (JSON.stringify escapes them), controls, quotes
const unit = fc.oneof(
  fc.constantFrom('a', 'Z', ' ', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u2028', 'é', '漢', '\ud800', '\udfff', '\uffff'),
  fc.constantFrom('😀', '𝄞', '🐉'),
);
const text = fc.string({ unit, maxLength: 12 });
const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, 1e-7, 5e-324, Number.MAX_SAFE_INTEGER, -1.5),
);
const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null));
const { json } = fc.letrec<{ json: JsonValue }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('json'), { maxLength: 6 }),
    fc.dictionary(text, tie('json'), { maxKeys: 6, noNullPrototype: true }),
  ) as fc.Arbitrary<JsonValue>,
}));

/** An item of a wide list, as the activity keeps them: an id, text, a number, a nested list. */
const item = (id: string) =>
  fc.record({ id: fc.constant(id), title: text, value: number, tags: fc.array(text, { maxLength: 3 }), extra: json });

/** One edit of a list of items: what the activity does to notes and tokens. */
type ListEdit =
  | { kind: 'field'; at: number; title: string }
  | { kind: 'deep'; at: number; tag: string }
  | { kind: 'insert'; at: number; item: JsonObject }
  | { kind: 'remove'; at: number }
  | { kind: 'move'; from: number; to: number }
  | { kind: 'replace'; at: number; extra: JsonValue };

const listEdit: fc.Arbitrary<ListEdit> = fc.oneof(
  fc.record({ kind: fc.constant('field' as const), at: fc.nat(), title: text }),
  fc.record({ kind: fc.constant('deep' as const), at: fc.nat(), tag: text }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), item: fc.uuid().chain((id) => item(id)) as fc.Arbitrary<JsonObject> }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('move' as const), from: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), extra: json }),
);

function applyEdit(list: JsonObject[], edit: ListEdit): JsonObject[] {
  const next = list.slice();
  const at = 'at' in edit ? edit.at % Math.max(1, list.length) : 0;
  const old = next[at] as JsonObject;
  switch (edit.kind) {
    case 'field':
      if (old) next[at] = { ...old, title: edit.title };
      break;
    case 'deep':
      if (old) next[at] = { ...old, tags: [...(old.tags as JsonValue[]), edit.tag] };
      break;
    case 'insert':
      next.splice(edit.at % (list.length + 1), 0, edit.item);
      break;
    case 'remove':
      next.splice(at, 1);
      break;
    case 'move': {
      const [moved] = next.splice(edit.from % Math.max(1, list.length), 1);
      if (moved) next.splice(edit.to % (next.length + 1), 0, moved);
      break;
    }
    case 'replace':
      if (old) next[at] = { ...old, extra: edit.extra };
      break;
  }
  return next;
}

const fallback = (value: JsonValue | undefined, delta: Delta) => differ.patch(value, delta);
const wideList = fc.integer({ min: 33, max: 90 }).chain((length) =>
  fc.tuple(...Array.from({ length }, (_, i) => item(`n${i}`))),
) as fc.Arbitrary<JsonObject[]>;

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
