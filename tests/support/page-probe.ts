import type { Page } from 'playwright-core';

/**
 * One game-state-delta as the page handled it, in performance.now() milliseconds: when its
 * websocket message arrived, when the new state reached the store (the sync client's patch and
 * CRC check done), when the first list item rendered (-1: none did), and when React had
 * committed the change to the DOM (its layout effects run), as React tells a devtools hook.
 */
export interface DeltaTiming {
  arrived: number;
  stateAt: number;
  itemAt: number;
  commitAt: number;
}

interface PageProbe {
  timings: DeltaTiming[];
  renders: Record<string, number>;
}

/**
 * Runs in the page before the app loads (see `probeScript`), so it uses nothing from this module.
 * It fills the app's `window.__gamebookProbe` hooks (activity/src/store/render-probe.ts), wraps
 * WebSocket's onmessage to see each delta arrive, and stands in for React's devtools hook, which
 * react-dom calls after every commit, production build included.
 */
function installProbe(): void {
  const probe = { timings: [] as DeltaTiming[], renders: {} as Record<string, number> };
  let current: Omit<DeltaTiming, 'commitAt'> | null = null;
  Object.assign(window, {
    __gamebookProbe: {
      ...probe,
      stateArrived() {
        if (current && current.stateAt < 0) current.stateAt = performance.now();
      },
      rendered(kind: string, id: string) {
        if (current && current.itemAt < 0) current.itemAt = performance.now();
        const key = `${kind}:${id}`;
        probe.renders[key] = (probe.renders[key] ?? 0) + 1;
      },
    },
    __REACT_DEVTOOLS_GLOBAL_HOOK__: {
      supportsFiber: true,
      inject: () => 1,
      checkDCE() {},
      onCommitFiberUnmount() {},
      onCommitFiberRoot() {
        if (!current || current.stateAt < 0) return;
        probe.timings.push({ ...current, commitAt: performance.now() });
        current = null;
      },
    },
  });
  const isDelta = (event: MessageEvent) => typeof event.data === 'string' && event.data.startsWith('42["game-state-delta"');
  const Native = window.WebSocket;
  class Probed extends Native {
    override set onmessage(handler: ((event: MessageEvent) => void) | null) {
      super.onmessage = handler && ((event: MessageEvent) => {
        // socket.io-client hands the decoded event to its listeners in a microtask of this task
        if (isDelta(event)) current = { arrived: performance.now(), stateAt: -1, itemAt: -1 };
        handler.call(this, event);
      });
    }
    override get onmessage() {
      return super.onmessage;
    }
  }
  window.WebSocket = Probed;
}

/**
 * The script for `addInitScript`. tsx compiles this file keeping function names with an
 * `__name` helper that exists only in Node, so the page gets a stand-in for it.
 */
export const probeScript = `var __name = (target) => target; (${installProbe.toString()})();`;

type ProbedWindow = Window & { __gamebookProbe: PageProbe };

/** The deltas timed since the last call (they are taken out of the page). */
export function takeTimings(page: Page): Promise<DeltaTiming[]> {
  return page.evaluate(() => (window as unknown as ProbedWindow).__gamebookProbe.timings.splice(0));
}

/** How often each list item rendered since the last call (`kind:id` -> renders); the counts start again. */
export function takeRenders(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const { renders } = (window as unknown as ProbedWindow).__gamebookProbe;
    const counts = { ...renders };
    for (const key of Object.keys(renders)) delete renders[key];
    return counts;
  });
}
