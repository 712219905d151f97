import type { BenchSuite } from '../report';
import { durabilitySuite } from './durability';

/** Every benchmark suite, by the name `npm run bench -- NAME` selects. */
export const suites: Record<string, BenchSuite> = {
  durability: durabilitySuite,
};
