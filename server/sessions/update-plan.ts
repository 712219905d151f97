import { canonicalPart } from '../../shared/canonical-crc';
import type { Delta, Differ } from '../../shared/diff';
import { ProtocolError } from '../../shared/errors';
import { diffAlongPath, diffShared } from '../../shared/identity-diff';
import type { JsonObject, JsonValue } from '../../shared/json';
import { merge3 } from '../../shared/merge';
import type { PathSegment } from '../../shared/json';
import { childIntent, intentTrees, type IntentNode } from '../../shared/merge-intents';
import { plainOf, type StoredValue } from '../../shared/patched-array';
import { applyChange, type ChangeMerge } from '../../shared/path-changes';
import type { UpdateGameState } from '../../shared/protocol';
import { segmentOf, type Segment, type StateDocument } from '../../shared/state-document';
import { mergeUpdates, requireMergeBase } from './update-merge';

type Maybe = JsonValue | undefined;
type Stored = StoredValue | undefined;

/** What an update does to the state: the keys it changes, their new values (undefined: removed), the delta. */
export interface UpdatePlan {
  values: Map<string, Stored>;
  segments: Map<string, Segment | undefined>;
  delta: Record<string, Delta>;
  /** Canonical bytes of the whole state after the update. */
  stateBytes: number;
}

export interface PlanContext {
  doc: StateDocument;
  differ: Differ;
  /** The keys' values at `baseVersion` (null: older than the history), or undefined when no merge is needed. */
  baseValues: (keys: string[], baseVersion: number | undefined) => ReadonlyMap<string, Stored> | null | undefined;
  limits: { maxUpdateBytes: number; maxStateBytes: number };
}

/**
 * Turns an update (whole keys, path-level changes, or both) into what to store, merged from its
 * `baseVersion`, and checks its size limits. A whole key costs what the key is; a change costs
 * what it changes: its values are measured, the new keys' CRC parts derive from the old ones and
 * the delta skips what the old and new values share (P1, P2).
 */
export function planUpdate(update: UpdateGameState, context: PlanContext): UpdatePlan {
  const { doc, differ } = context;
  const values = new Map<string, Stored>();
  const updates = update.updates ?? {};
  const changes = update.changes ?? [];
  const keys = changes.length === 0 ? Object.keys(updates) : [...new Set([...Object.keys(updates), ...changes.map((change) => change.path[0] as string)])];
  const base = context.baseValues(keys, update.baseVersion);
  if (base === null) requireMergeBase(base, update.baseVersion as number);
  const intents = intentTrees(update.intents ?? []);
  let updateBytes = 0;
  const merged = base ? mergeUpdates(updates, (key) => plainOf(base.get(key)), (key) => doc.get(key), intents) : updates;
  // a whole key is measured once: its segment is what the document stores
  const measured = new Map<string, Segment>();
  for (const [key, value] of Object.entries(merged as JsonObject)) {
    values.set(key, value);
    const segment = segmentOf(key, value);
    measured.set(key, segment);
    updateBytes += segment.bytes;
  }
  for (const change of changes) {
    const key = change.path[0] as string;
    const current = values.has(key) ? values.get(key) : doc.peek(key);
    values.set(key, applyChange(current, change, base ? changeMerge(base.get(key), intents.get(key)) : undefined));
    measured.delete(key);
    if (change.op !== 'remove') updateBytes += canonicalPart(change.value).bytes;
  }
  if (updateBytes > context.limits.maxUpdateBytes) {
    throw new ProtocolError('too-large', `an update may change at most ${context.limits.maxUpdateBytes} bytes of JSON`);
  }
  const only = changes.length === 1 && changes[0]?.op === 'set' ? changes[0] : undefined;
  return finish(values, measured, context, (key, value) => {
    if (Object.hasOwn(updates, key)) return differ.diff(doc.get(key), plainOf(value));
    // one set changes its path alone: the delta follows the path instead of scanning siblings
    if (only) return diffAlongPath(doc.peek(key), value, only.path.slice(1), differ);
    return diffShared(doc.peek(key), value, differ);
  });
}

function changeMerge(base: Stored, intents: IntentNode | undefined): ChangeMerge {
  const intentAt = (path: readonly PathSegment[]) => path.slice(1).reduce<IntentNode | undefined>((node, segment) => childIntent(node, segment), intents);
  return { base, merge: (path, baseValue, ours, theirs) => merge3(baseValue, ours, theirs, intentAt(path)) };
}

/** The delta of the changed keys, their segments (those `measured` already), and the state limit. */
function finish(values: Map<string, Stored>, measured: ReadonlyMap<string, Segment>, context: PlanContext, diff: (key: string, value: Stored) => Delta): UpdatePlan {
  const { doc } = context;
  const delta: Record<string, Delta> = {};
  const segments = new Map<string, Segment | undefined>();
  let stateBytes = doc.byteLength();
  for (const [key, value] of values) {
    const keyDelta = diff(key, value);
    if (keyDelta === undefined) continue;
    delta[key] = keyDelta;
    const segment = value === undefined ? undefined : (measured.get(key) ?? segmentOf(key, value));
    segments.set(key, segment);
    stateBytes += doc.byteLengthWith(key, segment?.bytes ?? 0) - doc.byteLength();
  }
  if (stateBytes > context.limits.maxStateBytes) {
    throw new ProtocolError('too-large', `the session state may hold at most ${context.limits.maxStateBytes} bytes of JSON`);
  }
  return { values, segments, delta, stateBytes };
}
