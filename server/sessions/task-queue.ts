/** Runs tasks one after another, in the order they were queued; a failed task does not stop the rest. */
export class TaskQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(task: () => T | Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task).finally(() => this.pending--);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** True when no task is queued or running. */
  get idle(): boolean {
    return this.pending === 0;
  }
}
