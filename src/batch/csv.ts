// CSV as RFC 4180 has it (commas, "quoted" fields, "" for a quote, line breaks inside quotes),
// fed one line at a time so that it streams with the line reader. Small enough to own rather
// than add a dependency for.

/** A cell: its text, or null when it was empty and unquoted (an absent value). `""` is an empty string. */
export type Cell = string | null;

export type CsvRecord = { line: number; cells: Cell[] } | { line: number; problem: string };

export class CsvSplitter {
  private cells: Cell[] = [];
  private field = '';
  private quoted = false;
  private inQuotes = false;
  private startLine = 0;

  /** True while a quoted field runs on to the next line. */
  get open(): boolean {
    return this.inQuotes;
  }

  /** Feeds one line (without its line break); returns the record it completes, if any. */
  push(text: string, line: number): CsvRecord | undefined {
    if (this.inQuotes) {
      this.field += '\n';
    } else {
      this.startLine = line;
      this.cells = [];
      // Most lines have no quotes at all.
      if (!text.includes('"')) return { line, cells: text.split(',').map((cell) => (cell === '' ? null : cell)) };
    }
    for (let i = 0; i < text.length; i++) {
      const char = text[i] as string;
      if (this.inQuotes) {
        if (char !== '"') this.field += char;
        else if (text[i + 1] === '"') {
          this.field += '"';
          i++;
        } else {
          this.inQuotes = false;
          const next = text[i + 1];
          if (next !== undefined && next !== ',') return this.fail('a closing quote must end its field (text follows it before the next comma)');
        }
      } else if (char === ',') {
        this.endCell();
      } else if (char === '"') {
        if (this.field !== '' || this.quoted) return this.fail('a quote inside an unquoted field: quote the whole field and double the quote ("say ""hi""")');
        this.inQuotes = true;
        this.quoted = true;
      } else {
        this.field += char;
      }
    }
    if (this.inQuotes) return undefined;
    this.endCell();
    return { line: this.startLine, cells: this.cells };
  }

  /** At the end of the input: a quoted field still open is a problem. */
  end(): CsvRecord | undefined {
    if (!this.inQuotes) return undefined;
    this.reset();
    return { line: this.startLine, problem: 'a quoted field is never closed' };
  }

  /** Drops a record cut short (e.g. by a line too long to read). */
  reset(): void {
    this.inQuotes = false;
    this.quoted = false;
    this.field = '';
    this.cells = [];
  }

  private endCell(): void {
    this.cells.push(this.quoted || this.field !== '' ? this.field : null);
    this.field = '';
    this.quoted = false;
  }

  private fail(problem: string): CsvRecord {
    this.reset();
    return { line: this.startLine, problem };
  }
}
