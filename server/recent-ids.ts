/** A map that keeps only its most recently added `capacity` entries. */
export class RecentIds<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(id: string): V | undefined {
    return this.entries.get(id);
  }

  set(id: string, value: V): void {
    this.entries.delete(id);
    this.entries.set(id, value);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}
