import { z } from 'zod';
import type { JsonObject, JsonValue } from '../../../shared/json';
import { appendItem, itemsOf, newId, readItems, removeItem, replaceItem, type Item } from './collection';

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
});

export type Stat = z.infer<typeof statSchema>;
export type Possession = z.infer<typeof possessionSchema>;
export type Character = z.infer<typeof characterSchema>;

export function readCharacters(value: JsonValue | undefined): Character[] {
  return readItems(value, characterSchema);
}

/** A fresh adventurer with the classic three scores; more stats can be added to suit any book. */
export function newCharacter(name: string): Item {
  const stat = (label: string) => ({ id: newId('stat'), label, value: 0, initial: 0 });
  return {
    id: newId('char'),
    name,
    stats: [stat('Skill'), stat('Stamina'), stat('Luck')],
    inventory: [],
    gold: 0,
    provisions: 0,
    notes: '',
  };
}

export type CharacterField = 'name' | 'gold' | 'provisions' | 'notes';

export function setField(character: Item, field: CharacterField, value: string | number): JsonObject {
  return { ...character, [field]: value };
}

export function setStat(character: Item, statId: string, patch: Partial<Omit<Stat, 'id'>>): JsonObject {
  return { ...character, stats: replaceItem(itemsOf(character.stats), statId, (stat) => ({ ...stat, ...patch })) };
}

export function addStat(character: Item, label: string): JsonObject {
  return { ...character, stats: appendItem(itemsOf(character.stats), { id: newId('stat'), label, value: 0, initial: null }) };
}

export function removeStat(character: Item, statId: string): JsonObject {
  return { ...character, stats: removeItem(itemsOf(character.stats), statId) };
}

export function addPossession(character: Item, text: string): JsonObject {
  return { ...character, inventory: appendItem(itemsOf(character.inventory), { id: newId('item'), text }) };
}

export function removePossession(character: Item, possessionId: string): JsonObject {
  return { ...character, inventory: removeItem(itemsOf(character.inventory), possessionId) };
}
