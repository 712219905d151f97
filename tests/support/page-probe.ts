import type { Page } from 'playwright-core';

/**
 * One game-state-delta as the page handled it, in performance.now() milliseconds: when its
 * websocket message arrived, when the new state reached the store (the sync client's patch and
 * CRC check done), and when the task that handled it ended (socket.io-client's listeners and
 * React's render and commit of a store change run in microtasks of that task, so this is after
 * the commit, before the next paint).
 */
export interface DeltaTiming {
  arrived: number;
  stateAt: number;
  /** When the first list item rendered (-1: none did). */
  itemAt: number;
  taskEnd: number;
}

interface PageProbe {
  timings: DeltaTiming[];
  renders: Record<string, number>;
}

/**
 * Runs in the page before the app loads (see `probeScript`), so it uses nothing from this module. It fills the app's `window.__gamebookProbe` hooks
 * (activity/src/store/render-probe.ts) and wraps WebSocket's onmessage to time each delta.
 */
function installProbe(): void {
  const probe = { timings: [] as DeltaTiming[], renders: {} as Record<string, number> };
  let current: { arrived: number; stateAt: number; itemAt: number } | null = null;
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
  });
  // a message posted at the end of the handler is delivered after the task's microtasks (React's commit)
  const afterTask = (then: () => void) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = then;
    channel.port2.postMessage(null);
  };
  const isDelta = (event: MessageEvent) => typeof event.data === 'string' && event.data.startsWith('42["game-state-delta"');
  const Native = window.WebSocket;
  class Probed extends Native {
    override set onmessage(handler: ((event: MessageEvent) => void) | null) {
      super.onmessage = handler && ((event: MessageEvent) => {
        if (!isDelta(event)) return handler.call(this, event);
        const sample = { arrived: performance.now(), stateAt: -1, itemAt: -1 };
        current = sample;
        // socket.io-client hands the decoded event to its listeners in a microtask of this task
        afterTask(() => {
          current = null;
          probe.timings.push({ ...sample, taskEnd: performance.now() });
        });
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
