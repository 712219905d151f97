import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../shared/json';

/** fast-check arbitraries of game state: any JSON, and wide lists of items with the edits players make. */

// strings of any UTF-16 units: astral pairs, lone surrogates (JSON.stringify escapes them), controls, quotes
const unit = fc.oneof(
  fc.constantFrom('a', 'Z', ' ', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u2028', 'é', '漢', '\ud800', '\udfff', '\uffff'),
  fc.constantFrom('😀', '𝄞', '🐉'),
);
export const text = fc.string({ unit, maxLength: 12 });
const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, 1e-7, 5e-324, Number.MAX_SAFE_INTEGER, -1.5),
);
const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null));
export const { json } = fc.letrec<{ json: JsonValue }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('json'), { maxLength: 6 }),
    fc.dictionary(text, tie('json'), { maxKeys: 6, noNullPrototype: true }),
  ) as fc.Arbitrary<JsonValue>,
}));

/** An item of a wide list, as the activity keeps them: an id, text, a number, a nested list. */
export const item = (id: string) =>
  fc.record({ id: fc.constant(id), title: text, value: number, tags: fc.array(text, { maxLength: 3 }), extra: json }, { noNullPrototype: true });

/** One edit of a list of items: what the activity does to notes and tokens. */
export type ListEdit =
  | { kind: 'field'; at: number; title: string }
  | { kind: 'deep'; at: number; tag: string }
  | { kind: 'insert'; at: number; item: JsonObject }
  | { kind: 'remove'; at: number }
  | { kind: 'move'; from: number; to: number }
  | { kind: 'replace'; at: number; extra: JsonValue };

export const listEdit: fc.Arbitrary<ListEdit> = fc.oneof(
  fc.record({ kind: fc.constant('field' as const), at: fc.nat(), title: text }),
  fc.record({ kind: fc.constant('deep' as const), at: fc.nat(), tag: text }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), item: fc.uuid().chain((id) => item(id)) as fc.Arbitrary<JsonObject> }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('move' as const), from: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), extra: json }),
);

/** `list` with `edit` done as the activity does it: only the touched item is new. */
export function applyEdit(list: JsonObject[], edit: ListEdit): JsonObject[] {
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

/** 33 to 90 items: wide enough that CRC parts are kept in a tree. */
export const wideList = fc.integer({ min: 33, max: 90 }).chain((length) =>
  fc.tuple(...Array.from({ length }, (_, i) => item(`n${i}`))),
) as fc.Arbitrary<JsonObject[]>;

