/**
 * Runs tasks one after another, in the order they were queued; a failed task does not stop the rest.
 * Every update of a table passes through here: a task costs two promises and no closure of its own
 * (`finally` would add three more promises and two closures).
 */
export class TaskQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private readonly done = (): void => {
    this.pending--;
  };

  run<T>(task: () => T | Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task);
    this.tail = result.then(this.done, this.done);
    return result;
  }

  /** True when no task is queued or running. */
  get idle(): boolean {
    return this.pending === 0;
  }
}
