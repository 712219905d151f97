import { randomInt, randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { DICE_LOG_KEY, DICE_LOG_LIMIT, ROLL_DICE_EVENT, rollDiceSchema, rollTerms, type DiceRoll } from '../../shared/dice';
import { ProtocolError } from '../../shared/errors';
import { isJsonObject, type JsonValue } from '../../shared/json';
import { RateLimiter } from '../limits/rate-limiter';
import type { HandlerContext, Register } from './session-handlers';
import { roomOf } from './rooms';
import type { SocketUser } from './socket-auth';

type RollDice = z.output<typeof rollDiceSchema>;

/** A few rolls a second is plenty for a table; more is a script filling the log. */
const ROLLS_PER_SECOND = 3;
const ROLLS_BURST = 6;

/**
 * `roll-dice`: the server rolls with crypto randomness and appends the roll to the session's
 * dice log through the session itself, so the log syncs, merges and persists like any edit.
 */
export function registerDiceHandlers(socket: Socket, user: SocketUser, context: HandlerContext, on: Register): void {
  const rolls = new RateLimiter(ROLLS_PER_SECOND, ROLLS_BURST);

  on(ROLL_DICE_EVENT, rollDiceSchema, async ({ expression }: RollDice) => {
    const sessionId = socket.data.sessionId as string | undefined;
    if (!sessionId || !socket.rooms.has(roomOf(sessionId))) throw new ProtocolError('not-in-session', 'join a session first');
    if (!rolls.tryTake()) throw new ProtocolError('rate-limited', 'too many rolls: wait a moment');
    const session = await context.registry.get(sessionId);
    const roll: DiceRoll = {
      id: randomUUID(),
      expression: expression.expression,
      by: { id: user.id, name: user.name },
      at: Date.now(),
      ...rollTerms(expression.terms, (sides) => randomInt(1, sides + 1)),
    };
    // edited from the version read here: a concurrent roll or edit is merged in, not overwritten
    const baseVersion = session.currentVersion;
    const log = logOf(session.state[DICE_LOG_KEY]);
    const result = await session.applyUpdate({ updates: { [DICE_LOG_KEY]: [...log, roll].slice(-DICE_LOG_LIMIT) }, baseVersion });
    return { roll, version: result.version };
  });
}

function logOf(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}
