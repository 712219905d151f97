import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `task`; when it fails, runs it once more after `delayMs` (and its second failure is the
 * caller's). For calls Discord may refuse for a moment, such as a follow-up message sent while
 * the activity it follows is still launching.
 */
export async function retryOnce<T>(task: () => Promise<T>, delayMs: number, onFirstFailure: (error: unknown) => void): Promise<T> {
  try {
    return await task();
  } catch (error) {
    onFirstFailure(error);
    await sleep(delayMs);
    return task();
  }
}
