/** One table of a benchmark run: what `npm run bench` prints and writes to docs/benchmarks.md. */
export interface BenchTable {
  title: string;
  /** One sentence: what was measured, and against which baseline of the same run. */
  description: string;
  columns: string[];
  rows: Array<Array<string | number>>;
}

export type BenchSuite = () => Promise<BenchTable[]>;

export function formatTable(table: BenchTable): string {
  const header = `| ${table.columns.join(' | ')} |`;
  const rule = `| ${table.columns.map(() => '---').join(' | ')} |`;
  const rows = table.rows.map((row) => `| ${row.map(formatCell).join(' | ')} |`);
  return [`### ${table.title}`, '', table.description, '', header, rule, ...rows, ''].join('\n');
}

function formatCell(cell: string | number): string {
  if (typeof cell === 'string') return cell;
  if (Number.isInteger(cell)) return cell.toLocaleString('en-US');
  return cell >= 100 ? cell.toFixed(0) : cell >= 1 ? cell.toFixed(2) : cell.toPrecision(3);
}

/** Percentile of already sorted numbers. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}
