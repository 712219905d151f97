import { z } from 'zod';

/** Client to server: `{ expression }` -> ack `{ ok, roll }`; the server rolls and logs it in the state. */
export const ROLL_DICE_EVENT = 'roll-dice';

/** Bounds that keep one roll cheap to compute, store and show. */
export const DICE_LIMITS = { maxTerms: 10, maxDice: 100, maxSides: 1000, maxFlat: 10_000, maxLength: 64 } as const;

export type DiceTerm =
  | { kind: 'dice'; sign: 1 | -1; count: number; sides: number }
  | { kind: 'flat'; sign: 1 | -1; value: number };

/** One rolled group of dice, e.g. the `2d6` of `2d6+1`, with every die's face. */
export type DiceGroup = { sign: 1 | -1; sides: number; results: number[] };

/** What a roll made: the faces, the flat modifier, the total. */
export type DiceOutcome = { groups: DiceGroup[]; modifier: number; total: number };

/** A roll as the shared log keeps it (plain JSON, so it lives in the game state). */
export type DiceRoll = DiceOutcome & {
  id: string;
  expression: string;
  by: { id: string; name: string };
  at: number;
};

export type DiceParse = { ok: true; terms: DiceTerm[]; expression: string } | { ok: false; message: string };

const TERM = /^\s*([+-]?)\s*(?:(\d*)[dD](\d+)|(\d+))\s*/;

/**
 * Parses `2d6+1`, `d20`, `3d6 - 2`, `1d8+1d4+3`: dice and whole numbers joined by + and -.
 * Returns the normalized expression too (`d20` -> `1d20`), which is what the log shows.
 */
export function parseDice(text: string): DiceParse {
  let rest = text.trim();
  if (rest.length === 0) return { ok: false, message: 'type dice such as 2d6+1' };
  if (rest.length > DICE_LIMITS.maxLength) return { ok: false, message: `at most ${DICE_LIMITS.maxLength} characters` };
  const terms: DiceTerm[] = [];
  while (rest.length > 0) {
    const match = TERM.exec(rest);
    if (!match || (terms.length > 0 && !match[1])) return { ok: false, message: `cannot read "${rest}"` };
    const sign = match[1] === '-' ? -1 : 1;
    const [count, sides, flat] = [match[2], match[3], match[4]];
    terms.push(flat !== undefined ? { kind: 'flat', sign, value: Number(flat) } : { kind: 'dice', sign, count: count ? Number(count) : 1, sides: Number(sides) });
    rest = rest.slice(match[0].length);
  }
  const problem = boundsProblem(terms);
  return problem ? { ok: false, message: problem } : { ok: true, terms, expression: formatDice(terms) };
}

function boundsProblem(terms: DiceTerm[]): string | null {
  if (terms.length > DICE_LIMITS.maxTerms) return `at most ${DICE_LIMITS.maxTerms} terms`;
  let dice = 0;
  for (const term of terms) {
    if (term.kind === 'flat') {
      if (term.value > DICE_LIMITS.maxFlat) return `numbers go up to ${DICE_LIMITS.maxFlat}`;
      continue;
    }
    if (term.count < 1) return 'roll at least one die';
    if (term.sides < 2 || term.sides > DICE_LIMITS.maxSides) return `dice have 2 to ${DICE_LIMITS.maxSides} sides`;
    dice += term.count;
  }
  if (dice === 0) return 'roll at least one die';
  if (dice > DICE_LIMITS.maxDice) return `at most ${DICE_LIMITS.maxDice} dice at once`;
  return null;
}

export function formatDice(terms: DiceTerm[]): string {
  return terms
    .map((term, index) => {
      const sign = term.sign < 0 ? '-' : index > 0 ? '+' : '';
      return sign + (term.kind === 'flat' ? String(term.value) : `${term.count}d${term.sides}`);
    })
    .join('');
}

/** Rolls parsed terms; `die(sides)` must return a whole number from 1 to `sides`. */
export function rollTerms(terms: DiceTerm[], die: (sides: number) => number): DiceOutcome {
  const groups: DiceGroup[] = [];
  let modifier = 0;
  for (const term of terms) {
    if (term.kind === 'flat') modifier += term.sign * term.value;
    else groups.push({ sign: term.sign, sides: term.sides, results: Array.from({ length: term.count }, () => die(term.sides)) });
  }
  const rolled = groups.reduce((sum, group) => sum + group.sign * group.results.reduce((a, b) => a + b, 0), 0);
  return { groups, modifier, total: rolled + modifier };
}

/** The payload of `roll-dice`: the expression must parse within the bounds above. */
export const rollDiceSchema = z.object({
  expression: z
    .string()
    .max(DICE_LIMITS.maxLength * 2)
    .transform((text, context) => {
      const parsed = parseDice(text);
      if (parsed.ok) return parsed;
      context.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }),
});

/** The state key of the shared roll log, newest last; only the server writes it. */
export const DICE_LOG_KEY = 'diceLog';
/**
 * Rolls the log keeps: older ones drop off the front. Rolls made at the same moment are merged
 * into the log in any order, so readers sort by `at`.
 */
export const DICE_LOG_LIMIT = 50;
