import { z } from 'zod';
import type { DiceRoll } from '../../../shared/dice';
import type { JsonValue } from '../../../shared/json';
import { itemReader, type ListReader } from './collection';

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
export const readDiceLog: ListReader<DiceRoll> = itemReader(rollSchema, (rolls) => rolls.sort((a, b) => b.at - a.at));
