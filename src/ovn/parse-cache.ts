/**
 * Parsed forms of address text, kept by the text: a plan reads the same addresses (its spec's,
 * and those stored in the rows it compares with) again and again, and parsing one costs more
 * than the rest of planning it. Only successful parses are kept (an error names the field it
 * was read for). Bounded: when full, the oldest entry goes.
 */

/** A bounded map from text to its parsed form. */
export class ParseCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity = 65_536) {}

  /** The parsed form of `text`, parsed by `parse` the first time. */
  get(text: string, parse: (text: string) => V): V {
    const found = this.entries.get(text);
    if (found !== undefined) return found;
    const parsed = parse(text);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(text, parsed);
    return parsed;
  }
}
