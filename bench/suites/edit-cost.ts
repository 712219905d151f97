import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { canonicalJson } from '../../shared/canonical-json';
import { ConfirmedState } from '../../shared/confirmed-state';
import { differ } from '../../shared/diff';
import type { JsonObject } from '../../shared/json';
import type { StoredState } from '../../shared/patched-array';
import { updateBody } from '../../shared/path-diff';
import { atomic, type Item } from '../../activity/src/model/collection';
import { itemUpdate, LISTS, type ListName } from '../../activity/src/model/lists';
import { updateGameStateSchema, type GameStateDelta } from '../../shared/protocol';
import { percentile, type BenchTable } from '../report';
import { sessionWith, stateOf } from './update-cost';

const EDITS = 200;
/** The whole-key baseline re-sends and re-measures 4.5 MB per edit: fewer rounds keep the run short. */
const WHOLE_KEY_EDITS = 20;

type Edit = (state: StoredState, round: number) => StoredState;

setFlagsFromString('--expose-gc');
/**
 * A full collection before the server's and the client's parts: the sender, the server and the
 * client share this process, and a part should not pay for the garbage another left (the
 * sender's edit of a 4.5 MB list makes a new 23,000-slot array every round, and its collection
 * landed in the server's time).
 */
const collect = runInNewContext('gc') as () => void;

/**
 * An edit of one item as the activity makes it (activity/src/model/lists.ts, `itemUpdate`): the
 * item found by its id and replaced (a PatchedArray: the list's spine is not copied).
 */
function itemEdit(name: ListName, idOf: (count: number) => string, change: (item: Item, round: number) => JsonObject): Edit {
  return (state, round) => {
    const count = (state[LISTS[name].key] as { length: number }).length;
    const update = itemUpdate(state, name, idOf(count), (item) => atomic(change(item, round)));
    if (!update) throw new Error(`no item to edit in ${name}`);
    return update.updates;
  };
}

const counterEdit = itemEdit('counters', () => 'c3', (counter, round) => ({ ...counter, value: round }));
const noteFieldEdit = itemEdit('notes', (count) => `n${7_000 % count}`, (note, round) => ({ ...note, title: `Note 7000, edit ${round}` }));
const noteItemEdit = itemEdit('notes', (count) => `n${9_000 % count}`, (note, round) => ({ ...note, title: `Edit ${round}`, text: `rewritten ${round}`.padEnd(150, '.') }));

interface Scenario {
  label: string;
  size: number;
  edit: Edit;
  /** true: the contract's whole-key `updates`; false: what the sync client sends (path-level `changes`). */
  wholeKey: boolean;
  rounds: number;
}

const SMALL = 10_000;
const LARGE = 5_000_000;
const SCENARIOS: Scenario[] = [
  { label: 'counter change, 9 KB table (baseline)', size: SMALL, edit: counterEdit, wholeKey: false, rounds: EDITS },
  { label: 'one field of one note, 4.5 MB key', size: LARGE, edit: noteFieldEdit, wholeKey: false, rounds: EDITS },
  { label: 'one whole note, 4.5 MB key', size: LARGE, edit: noteItemEdit, wholeKey: false, rounds: EDITS },
  // the same rewrite of a whole note where the key is small: its bytes are the note's, whatever the key's size
  { label: 'one whole note, 9 KB table', size: SMALL, edit: noteItemEdit, wholeKey: false, rounds: EDITS },
  { label: 'counter change, 9 KB table, whole key', size: SMALL, edit: counterEdit, wholeKey: true, rounds: EDITS },
  { label: 'one field of one note, 4.5 MB key, whole key (naive)', size: LARGE, edit: noteFieldEdit, wholeKey: true, rounds: WHOLE_KEY_EDITS },
];

interface Cost {
  wireBytes: number;
  senderMs: number;
  serverMs: number;
  clientMs: number;
}

/**
 * One edit, end to end in one process: the sender makes the edit as the activity does, finds
 * what to send and encodes the frame; the server parses it, validates it (zod), merges, diffs,
 * CRCs, stores (memory store) and encodes the delta; a receiving client parses the delta, patches
 * and checks the CRC.
 */
async function measure(scenario: Scenario): Promise<Cost> {
  const state = stateOf(scenario.size);
  const session = await sessionWith(state);
  const client = new ConfirmedState(differ);
  // the CRC given here is not checked: the copy is the session's by construction
  client.reset(structuredClone(state), 0, 0);
  const senderMs: number[] = [];
  const serverMs: number[] = [];
  const clientMs: number[] = [];
  let wireBytes = 0;
  for (let round = 1; round <= scenario.rounds; round++) {
    let started = performance.now();
    const edited = scenario.edit(client.state, round);
    const body = scenario.wholeKey ? { updates: edited } : updateBody(edited, (key) => client.get(key)).body;
    const frame = JSON.stringify(['update-game-state', { ...body, baseVersion: client.version }]);
    senderMs.push(performance.now() - started);

    collect();
    started = performance.now();
    const update = updateGameStateSchema.parse(JSON.parse(frame)[1]);
    const result = await session.applyUpdate(update);
    const deltaFrame = JSON.stringify(['game-state-delta', result.delta]);
    serverMs.push(performance.now() - started);

    collect();
    started = performance.now();
    const outcome = client.apply(JSON.parse(deltaFrame)[1] as GameStateDelta);
    clientMs.push(performance.now() - started);
    if (outcome !== 'applied') throw new Error(`the client's copy went ${outcome} in ${scenario.label}`);
    wireBytes = Buffer.byteLength(frame) + Buffer.byteLength(deltaFrame);
  }
  const median = (ms: number[]) => percentile(ms.sort((a, b) => a - b), 50);
  return { wireBytes, senderMs: median(senderMs), serverMs: median(serverMs), clientMs: median(clientMs) };
}

/**
 * Goal 1 of issue 12: an edit deep inside a 4.5 MB key costs at most 2x a counter change on a
 * 9 KB table, on the wire, on the server and in every client; the whole-key way in the same run.
 */
export async function editCostSuite(): Promise<BenchTable[]> {
  const rows: Array<Array<string | number>> = [];
  let baseline: Cost | undefined;
  // a first pass compiles every path, so that the baseline row is not the one that pays for it
  for (const scenario of SCENARIOS) await measure({ ...scenario, rounds: Math.min(scenario.rounds, WHOLE_KEY_EDITS) });
  for (const scenario of SCENARIOS) {
    const cost = await measure(scenario);
    baseline ??= cost;
    const stateBytes = Buffer.byteLength(canonicalJson(stateOf(scenario.size)));
    rows.push([
      scenario.label,
      `${(stateBytes / 1000).toFixed(0)} KB`,
      cost.wireBytes,
      cost.senderMs,
      cost.serverMs,
      cost.clientMs,
      cost.wireBytes / baseline.wireBytes,
      cost.senderMs / baseline.senderMs,
      cost.serverMs / baseline.serverMs,
      cost.clientMs / baseline.clientMs,
    ]);
  }
  return [
    {
      title: 'An edit inside a large key against a counter change on a small table',
      description:
        `Median over ${EDITS} edits (${WHOLE_KEY_EDITS} for the naive whole-key row), after a warm-up pass of every row, in one process, the heap collected before the server's and the client's parts (so that neither pays for another's garbage): the sender makes the edit as the activity does (the item found by id and replaced, a wide list kept as a PatchedArray instead of copied), finds what changed (sync client, path-level changes) and encodes the frame; the server parses, validates (zod), merges, diffs, CRCs, stores (memory store) and encodes the delta; a receiving client parses the delta, patches and checks the CRC. Wire bytes: the update frame plus the delta frame. Ratios against the first row, same run; the goal is at most 2. A whole note rewritten carries its new text (about 170 bytes) both ways, whatever the key's size: its row on the 9 KB table gives those bytes.`,
      columns: ['edit', 'state', 'wire bytes', 'sender ms', 'server ms', 'client ms', 'wire ÷ baseline', 'sender ÷ baseline', 'server ÷ baseline', 'client ÷ baseline'],
      rows,
    },
  ];
}
