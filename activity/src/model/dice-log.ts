import { z } from 'zod';
import type { DiceRoll } from '../../../shared/dice';
import type { JsonValue } from '../../../shared/json';
import { arrangedReader, type ArrangedReader } from './collection';

const signSchema = z.union([z.literal(1), z.literal(-1)]);

const rollSchema: z.ZodType<DiceRoll> = z.object({
  id: z.string(),
  expression: z.string(),
  by: z.object({ id: z.string(), name: z.string() }),
  at: z.number(),
  groups: z.array(z.object({ sign: signSchema, sides: z.number(), results: z.array(z.number()) })),
  modifier: z.number(),
  total: z.number(),
});

/** The shared roll log, newest first (rolls made at the same moment may sit in any order in the state). */
export const readDiceLog: ArrangedReader<DiceRoll> = arrangedReader(rollSchema, (rolls) => rolls.sort((a, b) => b.at - a.at));

/** How old a roll may be and still be news to a player who sees it arrive (a join brings older ones). */
export const ROLL_NEWS_MS = 30_000;

/** The rolls in `next` that `previous` did not have and that were made lately, newest first. */
export function newRolls(previous: readonly DiceRoll[], next: readonly DiceRoll[], now: number): DiceRoll[] {
  const known = new Set(previous.map((roll) => roll.id));
  return next.filter((roll) => !known.has(roll.id) && now - roll.at <= ROLL_NEWS_MS);
}
