// A set of line numbers as bits: a million lines take 125 kB.

export class LineSet {
  private bits = new Uint8Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(line: number): boolean {
    return ((this.bits[line >> 3] ?? 0) & (1 << (line & 7))) !== 0;
  }

  add(line: number): void {
    if (this.has(line)) return;
    const index = line >> 3;
    if (index >= this.bits.length) {
      const grown = new Uint8Array(Math.max(index + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[index] = (this.bits[index] as number) | (1 << (line & 7));
    this.count++;
  }

  /** The first line in this set that is not in `other`, if any. */
  firstNotIn(other: LineSet): number | undefined {
    for (let index = 0; index < this.bits.length; index++) {
      const extra = (this.bits[index] as number) & ~other.byte(index);
      if (extra !== 0) return index * 8 + Math.log2(extra & -extra);
    }
    return undefined;
  }

  private byte(index: number): number {
    return this.bits[index] ?? 0;
  }
}
