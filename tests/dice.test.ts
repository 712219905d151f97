import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DICE_LIMITS, parseDice, rollDiceSchema, rollTerms } from '../shared/dice';

describe('dice expressions', () => {
  it('reads dice and numbers joined by + and -, and normalizes them', () => {
    const parsed = parseDice(' 2d6 + 1 ');
    assert.deepEqual(parsed, {
      ok: true,
      expression: '2d6+1',
      terms: [
        { kind: 'dice', sign: 1, count: 2, sides: 6 },
        { kind: 'flat', sign: 1, value: 1 },
      ],
    });
    assert.deepEqual(parseDice('d20'), { ok: true, expression: '1d20', terms: [{ kind: 'dice', sign: 1, count: 1, sides: 20 }] });
    const mixed = parseDice('1D8-1d4-2');
    assert.ok(mixed.ok);
    assert.equal(mixed.expression, '1d8-1d4-2');
  });

  it('refuses what is not an expression or exceeds the bounds', () => {
    for (const bad of ['', 'abc', '2d', '2d6+', '2d6 3', '+', '5', `${DICE_LIMITS.maxDice + 1}d6`, '1d1', `1d${DICE_LIMITS.maxSides + 1}`, '0d6', '1d6+'.repeat(11) + '1', `1d6+${DICE_LIMITS.maxFlat + 1}`]) {
      assert.equal(parseDice(bad).ok, false, `"${bad}" must be refused`);
    }
    assert.equal(parseDice('60d6+50d6').ok, false, 'the dice of all terms count together');
  });

  it('totals the faces with their signs plus the modifier', () => {
    const parsed = parseDice('3d6-1d4+2');
    assert.ok(parsed.ok);
    const faces = [6, 5, 4, 3];
    const outcome = rollTerms(parsed.terms, () => faces.shift() as number);
    assert.deepEqual(outcome.groups, [
      { sign: 1, sides: 6, results: [6, 5, 4] },
      { sign: -1, sides: 4, results: [3] },
    ]);
    assert.equal(outcome.modifier, 2);
    assert.equal(outcome.total, 6 + 5 + 4 - 3 + 2);
  });

  it('validates the roll-dice payload with the same rules', () => {
    assert.equal(rollDiceSchema.safeParse({ expression: '2d6' }).success, true);
    assert.equal(rollDiceSchema.safeParse({ expression: '1000d6' }).success, false);
    assert.equal(rollDiceSchema.safeParse({ expression: 7 }).success, false);
    assert.equal(rollDiceSchema.safeParse({}).success, false);
  });
});
