import type { z } from 'zod';
import { TableError, tableErrorFrom } from '../sync/table-error';

/** POSTs JSON to one of the server's /api routes (with the player's token when given) and checks the answer's shape. */
export async function postApi<T>(path: string, body: unknown, schema: z.ZodType<T>, what: string, token?: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  } catch {
    throw new TableError('network', 'the server cannot be reached; try again in a moment');
  }
  const answer: unknown = await response.json().catch(() => null);
  if (!response.ok) throw tableErrorFrom(answer, `${what} failed (${response.status})`);
  const parsed = schema.safeParse(answer);
  if (!parsed.success) throw new TableError('internal', `the server answered ${what} oddly`);
  return parsed.data;
}
