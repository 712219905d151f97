import { readFileSync } from 'node:fs';

/**
 * What a V8 CPU profile of a crowd window (CROWD_CPU_PROF) says per change: the loop's busy time,
 * the functions with the most time of their own, the turns the loop's time goes to (the frames
 * under the root, two deep), and the time spent inside each function named on the command line
 * (`name` or `name@part-of-its-url`, counted once per sample however deep it recurs).
 * Usage: npx tsx bench/profile-summary.ts <file.cpuprofile> <changes in the window> [function[@url]...]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, changesArg, ...named] = process.argv.slice(2);
if (!file || !changesArg) throw new Error('usage: profile-summary.ts <file.cpuprofile> <changes> [function[@url]...]');
const changes = Number(changesArg);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

/** Microseconds sampled in each node. */
const selfTime = new Map<number, number>();
profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const nameOf = (node: ProfileNode) => node.callFrame.functionName || '(anonymous)';
const fileOf = (node: ProfileNode) => node.callFrame.url.split('/').pop() ?? '';

function stackOf(id: number): ProfileNode[] {
  const stack: ProfileNode[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) stack.push(byId.get(at) as ProfileNode);
  return stack.reverse().slice(1);
}

function add(totals: Map<string, number>, key: string, us: number): void {
  totals.set(key, (totals.get(key) ?? 0) + us);
}

function print(title: string, totals: Map<string, number>, rows: number): void {
  console.log(`\n${title}`);
  const sorted = [...totals].sort((a, b) => b[1] - a[1]).slice(0, rows);
  for (const [key, us] of sorted) console.log(`${(us / changes).toFixed(2).padStart(9)} µs/change  ${key}`);
}

const own = new Map<string, number>();
const turns = new Map<string, number>();
const inside = new Map<string, number>();
let busy = 0;
for (const [id, us] of selfTime) {
  const node = byId.get(id) as ProfileNode;
  if (nameOf(node) === '(idle)') continue;
  busy += us;
  add(own, `${nameOf(node)} ${fileOf(node)}:${node.callFrame.lineNumber}`, us);
  const stack = stackOf(id);
  add(turns, stack.slice(0, 2).map(nameOf).join(' > '), us);
  for (const wanted of named) {
    const [name, urlPart = ''] = wanted.split('@');
    if (stack.some((frame) => nameOf(frame) === name && frame.callFrame.url.includes(urlPart))) add(inside, wanted, us);
  }
}
console.log(`busy ${(busy / 1000).toFixed(0)} ms: ${(busy / changes).toFixed(1)} µs/change`);
print('own time', own, 30);
print('turns (the frames under the root)', turns, 20);
if (named.length > 0) print('inside each function named', inside, named.length);
