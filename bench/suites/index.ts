import type { BenchSuite } from '../report';

/** Every benchmark suite, by the name `npm run bench -- NAME` selects. */
export const suites: Record<string, BenchSuite> = {};
