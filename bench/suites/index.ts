import type { BenchSuite } from '../report';
import { abLatencySuite } from './ab-latency';
import { clusterDeliverySuite } from './cluster-delivery';
import { clusterSuite } from './cluster';
import { crowdSuite } from './crowd';
import { durabilitySuite } from './durability';
import { editCostSuite } from './edit-cost';
import { fanoutSuite } from './fanout';
import { inflateSuite } from './inflate';
import { largeBookSuite } from './large-book';
import { oversizedFramesSuite } from './oversized-frames';
import { renderCostSuite } from './render-cost';
import { updateCostSuite } from './update-cost';

/** Every benchmark suite, by the name `npm run bench -- NAME` selects. */
export const suites: Record<string, BenchSuite> = {
  'update-cost': updateCostSuite,
  'edit-cost': editCostSuite,
  fanout: fanoutSuite,
  inflate: inflateSuite,
  durability: durabilitySuite,
  'oversized-frames': oversizedFramesSuite,
  'render-cost': renderCostSuite,
  'ab-latency': abLatencySuite,
  crowd: crowdSuite,
  'large-book': largeBookSuite,
  'cluster-delivery': clusterDeliverySuite,
  cluster: clusterSuite,
};
