/**
 * `write` (an INSERT into a table with a session_id) together with marking its session used, as
 * one statement: one round trip, one implicit transaction. A session written to counts as used,
 * as for game-state updates. `$last` is the parameter that holds the time (ms); `alongside`, other
 * writes of the same statement (common table expressions).
 */
export function touching(write: string, last: number, alongside?: string): string {
  return `WITH ${alongside === undefined ? '' : `${alongside}, `}written AS (${write} RETURNING session_id)
    UPDATE sessions SET last_used_at = $${last}::bigint WHERE id IN (SELECT session_id FROM written)`;
}
