/**
 * What a test or a benchmark may put on `window.__gamebookProbe` before the app loads, to see
 * inside the production build: when a state change reached the store (the sync client's patch
 * and CRC check are done), and which list items rendered. On a player's page there is none, and
 * each call below is one property read.
 */
export interface RenderProbe {
  stateArrived?(): void;
  /** A list item rendered: `kind` names its list, `id` is its item's. */
  rendered?(kind: string, id: string): void;
}

const probe = (): RenderProbe | undefined => (globalThis as { __gamebookProbe?: RenderProbe }).__gamebookProbe;

export function probeStateArrived(): void {
  probe()?.stateArrived?.();
}

/** Called in the body of a list item's component: counts its renders for a probe, if any. */
export function probeRender(kind: string, id: string): void {
  probe()?.rendered?.(kind, id);
}
