import { z } from 'zod';
import type { JsonObject, JsonValue } from '../../../shared/json';
import { appendItem, atomic, itemsOf, itemReader, newId, readItems, removeItem, replaceItem, stepped, stepValue, typed, type Item, type ItemChange, type ListReader } from './collection';

const statSchema = z.object({
  id: z.string(),
  label: z.string().catch('Stat'),
  value: z.number().catch(0),
  /** The starting score (Fighting Fantasy's "Initial"), when the stat has one. */
  initial: z.number().nullable().optional().catch(null),
});

const possessionSchema = z.object({ id: z.string(), text: z.string().catch('') });

/** A sheet as shown; fields others wrote oddly fall back to defaults instead of breaking the page. */
const characterSchema = z.object({
  id: z.string(),
  name: z.string().catch(''),
  stats: z.unknown().transform((value) => readItems(value as JsonValue, statSchema)),
  inventory: z.unknown().transform((value) => readItems(value as JsonValue, possessionSchema)),
  gold: z.number().catch(0),
  provisions: z.number().catch(0),
  notes: z.string().catch(''),
  /** Who edits this sheet besides the game masters; none: everyone (sheets of older clients). */
  ownerId: z.string().optional().catch(undefined),
});

export type Stat = z.infer<typeof statSchema>;
export type Possession = z.infer<typeof possessionSchema>;
export type Character = z.infer<typeof characterSchema>;

/** The list for display; the same raw item gives the same object (see `itemReader`). */
export const readCharacters: ListReader<Character> = itemReader(characterSchema);

/** A fresh adventurer with the classic three scores; more stats can be added to suit any book. */
export function newCharacter(name: string, ownerId?: string): Item {
  const stat = (label: string) => ({ id: newId('stat'), label, value: 0, initial: 0 });
  return {
    id: newId('char'),
    name,
    stats: [stat('Skill'), stat('Stamina'), stat('Luck')],
    inventory: [],
    gold: 0,
    provisions: 0,
    notes: '',
    ...(ownerId === undefined ? {} : { ownerId }),
  };
}

/** The sheet's free-text fields, typed into by anyone at the table. */
export type CharacterText = 'name' | 'notes';

/** The purse: counts that never go below zero. */
export type PurseField = 'gold' | 'provisions';

export const PURSE_MIN = 0;

export function setText(character: Item, field: CharacterText, text: string): ItemChange {
  return { item: { ...character, [field]: text }, intents: [typed(field)] };
}

export function setPurse(character: Item, field: PurseField, value: number): ItemChange {
  return atomic({ ...character, [field]: value });
}

export function stepPurse(character: Item, field: PurseField, step: number): ItemChange {
  return { item: { ...character, [field]: stepValue(character[field], step, PURSE_MIN) }, intents: [stepped(field)] };
}

export function setStatLabel(character: Item, statId: string, label: string): ItemChange {
  return { item: patchStat(character, statId, () => ({ label })), intents: [typed('stats', statId, 'label')] };
}

/** A score typed in: its current value or, with `initial`, its starting one. */
export function setStatScore(character: Item, statId: string, score: 'value' | 'initial', value: number): ItemChange {
  return atomic(patchStat(character, statId, () => ({ [score]: value })));
}

export function stepStat(character: Item, statId: string, step: number): ItemChange {
  return { item: patchStat(character, statId, (stat) => ({ value: stepValue(stat.value, step) })), intents: [stepped('stats', statId, 'value')] };
}

export function addStat(character: Item, label: string): ItemChange {
  return atomic({ ...character, stats: appendItem(itemsOf(character.stats), { id: newId('stat'), label, value: 0, initial: null }) });
}

export function removeStat(character: Item, statId: string): ItemChange {
  return atomic({ ...character, stats: removeItem(itemsOf(character.stats), statId) });
}

export function addPossession(character: Item, text: string): ItemChange {
  return atomic({ ...character, inventory: appendItem(itemsOf(character.inventory), { id: newId('item'), text }) });
}

export function removePossession(character: Item, possessionId: string): ItemChange {
  return atomic({ ...character, inventory: removeItem(itemsOf(character.inventory), possessionId) });
}

/** The sheet with one stat's fields changed from that stat's raw value; the other stats stay as they were. */
function patchStat(character: Item, statId: string, patch: (stat: Item) => JsonObject): JsonObject {
  return { ...character, stats: replaceItem(itemsOf(character.stats), statId, (stat) => ({ ...stat, ...patch(stat) })) };
}
