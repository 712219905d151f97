import type { Page } from 'playwright-core';
import { canonicalJson } from '../../shared/canonical-json';
import { until } from '../../tests/support/browser';
import { player, startE2eTable, type E2eTable } from '../../tests/support/e2e-table';
import { ListWriter, type ListItem, type Lists } from '../../tests/support/list-writer';
import { probeScript, takeTimings, type DeltaTiming } from '../../tests/support/page-probe';
import { percentile, type BenchTable } from '../report';

/** Asked-for sizes; the tables come out at about 9 KB and 4.5 MB of canonical JSON. */
const SIZES = [9_500, 4_720_000];
const WARMUP = 5;
const SAMPLES = 60;
const MiB = 1024 * 1024;
const PAGE_BUSY_MS = 600_000;

type Item = ListItem;

/** A table of about `bytes`: notes carry 70% of it, counters 10%, adventure sheets 20%. */
function tableOf(bytes: number): Lists {
  const count = (share: number, itemBytes: number) => Math.max(3, Math.round((bytes * share) / itemBytes));
  const stat = (i: number, label: string) => ({ id: `stat-${i}-${label}`, label, value: 7, initial: 12 });
  return {
    notes: Array.from({ length: count(0.7, 330) }, (_, i) => ({
      id: `note-${i}`,
      text: `Section ${i}: the corridor bends left; a draught smells of tallow and old paper.`.padEnd(280, '.'),
      author: 'Ayla',
    })),
    counters: Array.from({ length: count(0.1, 55) }, (_, i) => ({ id: `counter-${i}`, label: `Counter ${i}`, value: i % 20 })),
    characters: Array.from({ length: count(0.2, 560) }, (_, i) => ({
      id: `char-${i}`,
      name: `Hero ${i}`,
      stats: [stat(i, 'Skill'), stat(i, 'Stamina'), stat(i, 'Luck')],
      inventory: [
        { id: `item-${i}-a`, text: 'Sword' },
        { id: `item-${i}-b`, text: 'Lantern' },
      ],
      gold: 10,
      provisions: 4,
      notes: 'Met the ferryman at 212; codeword AMBER.'.padEnd(100, '.'),
    })),
  };
}

/** One kind of change another player makes, the tab that shows it, and the edit (of the second item shown). */
interface Change {
  name: string;
  tab: RegExp;
  shown: string;
  key: string;
  edit(item: Item, step: number): Item;
}

const CHANGES: Change[] = [
  { name: "one note's text", tab: /Notes/, shown: '.note', key: 'notes', edit: (note, step) => ({ ...note, text: `Edit ${step}: ${note.text as string}`.slice(0, 300) }) },
  { name: 'one counter +1', tab: /Counters/, shown: '.counter', key: 'counters', edit: (counter) => ({ ...counter, value: (counter.value as number) + 1 }) },
  {
    name: "one sheet's stamina +1",
    tab: /Sheets/,
    shown: '.sheet',
    key: 'characters',
    edit: (sheet) => ({ ...sheet, stats: (sheet.stats as Item[]).map((stat) => (stat.label === 'Stamina' ? { ...stat, value: (stat.value as number) + 1 } : stat)) }),
  },
];

interface Measured {
  patch: number[];
  render: number[];
  total: number[];
}

/** One table's page, open in a browser context of its own, and the player who changes it. */
interface OpenTable {
  label: string;
  page: Page;
  writer: ListWriter;
  /** Edits sent so far: each changes the item again. */
  step: number;
  timings: DeltaTiming[];
}

/** The page's timing of one more edit by the writer (it waits for the page to handle it). */
async function timeOneEdit(table: OpenTable, change: Change): Promise<DeltaTiming> {
  const { page, writer } = table;
  const step = ++table.step;
  await takeTimings(page);
  // each sample starts from a collected heap: the garbage of the last one is not its cost
  await page.evaluate(() => (globalThis as { gc?: () => void }).gc?.());
  await writer.edit(change.key, 1, (item) => change.edit(item, step));
  const [timing] = await until(() => takeTimings(page), (taken) => taken.length > 0, `the page to handle edit ${step} of ${change.name}`, 60_000);
  return timing as DeltaTiming;
}

function measuredOf(timings: DeltaTiming[]): Measured {
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  return {
    patch: sorted(timings.map((t) => t.stateAt - t.arrived)),
    render: sorted(timings.map((t) => t.commitAt - t.stateAt)),
    total: sorted(timings.map((t) => t.commitAt - t.arrived)),
  };
}

async function openTable(e2e: E2eTable, bytes: number): Promise<OpenTable> {
  const lists = tableOf(bytes);
  const label = `${(Buffer.byteLength(canonicalJson(lists)) / 1000).toFixed(0)} KB`;
  const writer = await ListWriter.open(e2e.server.url, lists);
  const page = await player(e2e.browser, 'Reader', `${e2e.server.url}/t/${writer.sessionId}`, { initScript: probeScript });
  return { label, page, writer, step: 0, timings: [] };
}

/**
 * Every table's page shows the change's tab and is warmed up; then the samples are taken in
 * turns, one edit of each table after the other, so that whatever the machine does meanwhile
 * falls on every size alike.
 */
async function measureInTurns(tables: OpenTable[], change: Change): Promise<Measured[]> {
  for (const table of tables) {
    // a page that renders every item of a large table is busy for long after the join and each tab switch
    await table.page.getByRole('tab', { name: change.tab }).click({ timeout: PAGE_BUSY_MS });
    await table.page.locator(change.shown).nth(1).waitFor({ timeout: PAGE_BUSY_MS });
    for (let i = 0; i < WARMUP; i++) await timeOneEdit(table, change);
    table.timings = [];
  }
  for (let sample = 0; sample < SAMPLES; sample++) {
    for (const table of tables) table.timings.push(await timeOneEdit(table, change));
  }
  return tables.map((table) => measuredOf(table.timings));
}

/**
 * Goal 5 of issue 12: in headless Chromium, the production build at a 9 KB table and at a
 * 4.5 MB one; another player changes one item, and the page's Performance API times what the
 * delta costs it, the sync client's patch and CRC apart from the store update and React's render.
 */
export async function renderCostSuite(): Promise<BenchTable[]> {
  const limit = String(16 * MiB);
  const e2e = await startE2eTable({ MAX_UPDATE_BYTES: limit, MAX_STATE_BYTES: limit, UPDATES_PER_SECOND: '1000', UPDATES_BURST: '1000' });
  const tables: OpenTable[] = [];
  const byChange: Measured[][] = [];
  try {
    for (const bytes of SIZES) tables.push(await openTable(e2e, bytes));
    for (const change of CHANGES) byChange.push(await measureInTurns(tables, change));
  } finally {
    for (const table of tables) {
      await table.page.context().close();
      table.writer.close();
    }
    await e2e.close();
  }
  const ms = (sorted: number[], p: number) => percentile(sorted, p);
  const rows = tables.flatMap(({ label }, t) =>
    CHANGES.map((change, c) => {
      const base = byChange[c]?.[0] as Measured;
      const { patch, render, total } = byChange[c]?.[t] as Measured;
      return [label, change.name, ms(patch, 50), ms(patch, 90), ms(render, 50), ms(render, 90), ms(total, 50), ms(total, 90), ms(total, 50) / ms(base.total, 50), ms(render, 50) / ms(base.render, 50)];
    }),
  );
  return [
    {
      title: 'The browser: one item changed by another player, by table size',
      description: `Headless Chromium, the production build, the tab showing the changed list open; another player's socket changes the second item shown, ${SAMPLES} times after ${WARMUP} to warm up, one at a time, the tables' pages (each open in a browser context of its own) taking turns sample by sample. Timed in the page (cross-origin isolated, so performance.now() counts in 5 µs steps), the heap collected (gc()) before each sample (performance.now() around the websocket message; the store's probe hook): "patch + CRC" from the delta's arrival until the new state reaches the store (the sync client's patch and CRC check), "render" from there until React has committed the change (store subscribers, React's render, DOM updates and layout effects; react-dom tells a devtools hook the page stands in for). Style, layout and paint come after, in the browser's next frame, and are not counted. Ratios against the 9 KB table's same change, in the same run.`,
      columns: ['table', 'change', 'patch + CRC p50 ms', 'p90', 'render p50 ms', 'p90', 'total p50 ms', 'p90', 'total p50 ÷ 9 KB', 'render p50 ÷ 9 KB'],
      rows,
    },
  ];
}
