import type { TokenService } from '../../server/auth/tokens';
import { z } from 'zod';
import { exitWithParent } from './exit-with-parent';
import { LightSocket } from './light-socket';

/** What the bench's load generators share: their sockets, their waits, and how they are told to run. */

/** A socket of guest `sub`, whose token the generator issued itself; resolves once connected. */
export function connectGuest(url: string, tokens: TokenService, sub: string): Promise<LightSocket> {
  return LightSocket.connect(url, { auth: { token: tokens.issue({ sub, name: sub, kind: 'guest' }) } });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for the plan over IPC, runs it, sends the result back and exits (1 on a failure). */
export function runWhenTold<P>(parse: (message: unknown) => P, run: (plan: P) => Promise<unknown>): void {
  exitWithParent();
  process.once('message', (message: unknown) => {
    run(parse(message)).then(
      (result) => process.send?.(result as object, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}

/** What every load generator's plan says of its load: tables of clients, changes a second, how long. */
export const loadShapeSchema = z.object({
  tables: z.number().int().positive(),
  clients: z.number().int().positive(),
  changesPerSecond: z.number().positive(),
  warmupSeconds: z.number().nonnegative(),
  seconds: z.number().positive(),
});
