// Input lines to records: one JSON text per NDJSON line, or CSV rows (the first is the header).
// Blank lines and lines starting with # are skipped in both (in CSV, outside quoted fields).
import { CsvSplitter } from './csv.js';
import type { Cell } from './csv.js';
import { MAX_LINE_BYTES, type InputLine } from './lines.js';

/** How batch input is written: one JSON object a line, or CSV rows for one --method. */
export type InputFormat = 'ndjson' | 'csv';

export type InputRecord =
  | { kind: 'json'; line: number; text: string }
  | { kind: 'header'; line: number; cells: Cell[] }
  | { kind: 'row'; line: number; cells: Cell[] }
  | { kind: 'problem'; line: number; problem: string };

const TOO_LONG = `longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB (the most a call may send)`;

export async function* readRecords(lines: AsyncIterable<InputLine[]>, format: InputFormat): AsyncGenerator<InputRecord[]> {
  const csv = format === 'csv' ? new CsvSplitter() : undefined;
  let headerSeen = false;
  for await (const batch of lines) {
    const records: InputRecord[] = [];
    for (const { number, text } of batch) {
      if (text === null) {
        csv?.reset();
        records.push({ kind: 'problem', line: number, problem: TOO_LONG });
        continue;
      }
      if (!csv?.open && isSkipped(text)) continue;
      if (!csv) {
        records.push({ kind: 'json', line: number, text });
        continue;
      }
      const record = csv.push(text, number);
      if (record === undefined) continue;
      if ('problem' in record) {
        records.push({ kind: 'problem', ...record });
        // Without a header no row can be read: the header's problem is the one to fix.
        if (!headerSeen) {
          yield records;
          return;
        }
      } else {
        records.push({ kind: headerSeen ? 'row' : 'header', ...record });
        headerSeen = true;
      }
    }
    if (records.length) yield records;
  }
  const unfinished = csv?.end();
  if (unfinished && 'problem' in unfinished) yield [{ kind: 'problem', ...unfinished }];
}

function isSkipped(text: string): boolean {
  const start = text.trimStart();
  return start === '' || start.startsWith('#');
}
