import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const RESOLUTION_MS = 5;

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/**
 * The event loop's delay, sampled by a timer every RESOLUTION_MS. Node's histogram records the
 * whole interval between two ticks of that timer, the RESOLUTION_MS included (an idle process
 * reads 5.2 ms at p50): the figures here are what the loop added to it, in ms.
 */
export class LoopDelayWatch {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  enable(): void {
    this.histogram.enable();
  }

  disable(): void {
    this.histogram.disable();
  }

  reset(): void {
    this.histogram.reset();
  }

  read(): LoopDelay {
    const late = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    return { p50: late(this.histogram.percentile(50)), p99: late(this.histogram.percentile(99)), max: late(this.histogram.max) };
  }
}
