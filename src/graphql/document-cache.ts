/**
 * yoga's parse cache (and its cache of parse errors), bounded by the length of the documents it
 * holds rather than by their count: comments are no tokens, so a thousand documents of a few
 * tokens each could otherwise hold a gigabyte of text. The validation cache hangs off the parsed
 * documents (a WeakMap), so it is bounded with them. Least recently used entries go first.
 */
export class DocumentCache<V> {
  private readonly entries = new Map<string, V>();
  private held = 0;

  /** `budget`: the most characters of document text held at once. */
  constructor(private readonly budget: number) {}

  get(document: string): V | undefined {
    const value = this.entries.get(document);
    if (value === undefined) return undefined;
    // Most recently used last: a Map iterates in insertion order.
    this.entries.delete(document);
    this.entries.set(document, value);
    return value;
  }

  set(document: string, value: V): void {
    if (document.length > this.budget) return;
    if (this.entries.delete(document)) this.held -= document.length;
    this.entries.set(document, value);
    this.held += document.length;
    for (const oldest of this.entries.keys()) {
      if (this.held <= this.budget) break;
      this.entries.delete(oldest);
      this.held -= oldest.length;
    }
  }

  /** The characters of document text held (for tests and metrics). */
  get size(): number {
    return this.held;
  }
}
