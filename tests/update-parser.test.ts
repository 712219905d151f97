import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { updateGameStateSchema } from '../shared/protocol';
import { updateGameStateParser } from '../shared/update-parser';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

/** Keys that mean something to the delta format, to JavaScript objects, or to the schema's limits. */
const KEYS = ['_t', '__proto__', 'constructor', 'toString', '', 'tick', 'notes', 'x'.repeat(256), 'x'.repeat(257)];
const FIELDS = ['updates', 'changes', 'baseVersion', 'updateId', 'intents', 'extra', '__proto__'];

/** Any JSON, objects often with tricky keys, `__proto__` an own key as JSON.parse makes it. */
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { maxDepth: 3 },
    { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 3 },
    { arbitrary: fc.constantFrom(-1, 0, 1.5, 2 ** 53, -0, 64, 65), weight: 1 },
    { arbitrary: fc.string({ maxLength: 70 }), weight: 1 },
    { arbitrary: fc.array(tie('value'), { maxLength: 3 }), weight: 1 },
    { arbitrary: fc.array(fc.tuple(fc.constantFrom(...KEYS, ...FIELDS), tie('value')), { maxLength: 4 }).map(wireObject), weight: 2 },
  ),
})).value;

/** The object as it comes off the wire: through JSON.parse. */
function wireObject(entries: Array<[string, unknown]>): object {
  return JSON.parse(`{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`);
}

const wireJson = <T>(arbitrary: fc.Arbitrary<T>) => arbitrary.map((fields) => JSON.parse(JSON.stringify(fields)) as unknown);

/** The shape nearly every client sends, with values at and past the schema's limits. */
const plainish = wireJson(
  fc.record(
    {
      updates: fc.array(fc.tuple(fc.constantFrom(...KEYS), json), { maxLength: 3 }).map(wireObject),
      baseVersion: fc.oneof(fc.nat(100), fc.constantFrom(-1, 1.5, 2 ** 53, 2 ** 53 - 1)),
      updateId: fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), fc.constantFrom('', 'x'.repeat(65)), fc.nat()),
    },
    { requiredKeys: ['updates'] },
  ),
);

/** Any mix of the fields, path-level changes and fields the schema strips among them. */
const mixed = wireJson(
  fc.record(
    {
      updates: fc.oneof(fc.array(fc.tuple(fc.constantFrom(...KEYS), json), { maxLength: 3 }).map(wireObject), json),
      baseVersion: fc.oneof(fc.nat(100), json),
      updateId: fc.oneof(fc.string({ minLength: 1, maxLength: 70 }), json),
      changes: fc.constant([{ op: 'set', path: ['tick'], value: 1 }]),
      extra: json,
    },
    { requiredKeys: [] },
  ),
);

const payload: fc.Arbitrary<unknown> = fc.oneof({ arbitrary: plainish, weight: 3 }, { arbitrary: mixed, weight: 1 }, { arbitrary: json, weight: 1 });

function sameResult(value: unknown): void {
  const ours = updateGameStateParser.safeParse(value);
  const schema = updateGameStateSchema.safeParse(value);
  assert.equal(ours.success, schema.success, `success differs for ${JSON.stringify(value)}`);
  if (ours.success && schema.success) assert.deepStrictEqual(ours.data, schema.data);
  if (!ours.success && !schema.success) assert.equal(ours.error.issues[0]?.message, schema.error.issues[0]?.message);
}

describe('the update-game-state parser (shared/update-parser.ts)', () => {
  it(`UP1: gives the schema's result for any payload (fast-check, seed ${SEED})`, () => {
    fc.assert(fc.property(payload, (value) => sameResult(value)), { seed: SEED, numRuns: 5000 });
  });

  it('UP2: takes a plain update as it came, and leaves the rest to the schema', () => {
    const plain = JSON.parse('{"updates":{"tick":3,"notes":[{"id":"a","text":"é"}]},"baseVersion":7,"updateId":"c1-3"}');
    const parsed = updateGameStateParser.safeParse(plain);
    assert.ok(parsed.success);
    assert.equal(parsed.data, plain, 'the plain update is not copied');
    for (const near of [
      '{"updates":{"tick":1},"extra":1}',
      '{"updates":{"__proto__":{"x":1}}}',
      '{"updates":{"_t":1}}',
      '{"updates":{"":1}}',
      '{"updates":{"tick":1},"baseVersion":-1}',
      '{"updates":{"tick":1},"baseVersion":1.5}',
      '{"updates":{"tick":1},"updateId":""}',
      '{"updates":{"tick":{"_t":"a"}}}',
      '{"updates":[1]}',
      '{"baseVersion":1}',
      '{"changes":[{"op":"set","path":["tick"],"value":2}]}',
    ]) {
      const value = JSON.parse(near);
      const result = updateGameStateParser.safeParse(value);
      if (result.success) assert.notEqual(result.data, value, `${near} went through the schema`);
      sameResult(value);
    }
  });
});
