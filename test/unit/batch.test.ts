// The parts of `oneoffice batch` that need no server: reading lines and CSV, checking records,
// result records, the summary, the gate that paces calls, and the option rules.
import { describe, expect, it } from 'vitest';
import { CsvSplitter } from '../../src/batch/csv.js';
import { Gate, StopControl } from '../../src/batch/gate.js';
import { LineSet } from '../../src/batch/line-set.js';
import { MAX_LINE_BYTES, readLines, type InputLine } from '../../src/batch/lines.js';
import { BATCH_OPTIONS, readBatchOptions } from '../../src/cli/batch-options.js';
import { answerOutcome as outcomeOf, errorOutcome, resultRecord, uncertainRecord } from '../../src/batch/outcome.js';
import { JsonTextMask } from '../../src/api/mask.js';
import { classifyAnswer, type AnswerHead } from '../../src/api/answer.js';
import { Preparer, type Prepared } from '../../src/batch/prepare.js';
import { summaryLines, Tally } from '../../src/batch/progress.js';
import { readRecords, type InputRecord } from '../../src/batch/records.js';
import { parseCallArgs } from '../../src/options/args.js';
import { NetworkError } from '../../src/api/errors.js';
import { builtinSchemas } from '../../src/generated/builtin.js';
import { createRegistry } from '../../src/api/schema/registry.js';

const registry = createRegistry(builtinSchemas);

async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const batch of batches) all.push(...batch);
  return all;
}

async function* chunks(...parts: Array<string | Buffer>): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

describe('readLines', () => {
  it('splits across chunk boundaries, also inside a UTF-8 character; drops \\r and a leading BOM', async () => {
    const euro = Buffer.from('€');
    const lines = await collect(readLines(chunks('\uFEFFa\r\nb', Buffer.concat([Buffer.from('c'), euro.subarray(0, 1)]), euro.subarray(1), '\n\nlast')));
    expect(lines).toEqual<InputLine[]>([
      { number: 1, text: 'a' },
      { number: 2, text: 'bc€' },
      { number: 3, text: '' },
      { number: 4, text: 'last' },
    ]);
  });

  it('a line over the limit is dropped as it streams, and numbered', async () => {
    const long = 'x'.repeat(MAX_LINE_BYTES / 2);
    const lines = await collect(readLines(chunks('short\n', long, long, 'x\nafter\n')));
    expect(lines).toEqual([{ number: 1, text: 'short' }, { number: 2, text: null }, { number: 3, text: 'after' }]);
  });
});

describe('CsvSplitter', () => {
  const split = (...lines: string[]) => {
    const csv = new CsvSplitter();
    const out = lines.map((text, i) => csv.push(text, i + 1)).filter((record) => record !== undefined);
    const end = csv.end();
    return end ? [...out, end] : out;
  };

  it('reads RFC 4180 fields: commas and doubled quotes in quotes, line breaks inside quotes', () => {
    expect(split('a,"b,c","say ""hi""",', '"multi', 'line",x')).toEqual([
      { line: 1, cells: ['a', 'b,c', 'say "hi"', null] },
      { line: 2, cells: ['multi\nline', 'x'] },
    ]);
  });

  it('an empty cell is null (absent), a quoted empty one is ""', () => {
    expect(split(',"",x')).toEqual([{ line: 1, cells: [null, '', 'x'] }]);
  });

  it('reports stray quotes and an unclosed quote, and reads on after them', () => {
    expect(split('a"b,c', '"a"b,c', 'ok,1', '"open')).toEqual([
      { line: 1, problem: 'a quote inside an unquoted field: quote the whole field and double the quote ("say ""hi""")' },
      { line: 2, problem: 'a closing quote must end its field (text follows it before the next comma)' },
      { line: 3, cells: ['ok', '1'] },
      { line: 4, problem: 'a quoted field is never closed' },
    ]);
  });
});

describe('readRecords', () => {
  const lines = (...texts: string[]) => (async function* () {
    yield texts.map((text, i) => ({ number: i + 1, text }));
  })();

  it('NDJSON: blank lines and # comments are skipped', async () => {
    expect(await collect(readRecords(lines('# c', '{"a":1}', '', '  # indented', '{"b":2}'), 'ndjson'))).toEqual<InputRecord[]>([
      { kind: 'json', line: 2, text: '{"a":1}' },
      { kind: 'json', line: 5, text: '{"b":2}' },
    ]);
  });

  it('CSV: the first record is the header; # inside a quoted field is data', async () => {
    expect(await collect(readRecords(lines('# users', 'email,display-name', 'a@b.co,"x', '# not a comment"', ''), 'csv'))).toEqual<InputRecord[]>([
      { kind: 'header', line: 2, cells: ['email', 'display-name'] },
      { kind: 'row', line: 3, cells: ['a@b.co', 'x\n# not a comment'] },
    ]);
  });
});

describe('Preparer', () => {
  const prepare = async (preparer: Preparer, ...records: InputRecord[]): Promise<Prepared[]> => {
    const out: Prepared[] = [];
    for (const record of records) out.push(await preparer.prepare(record));
    return out;
  };

  it('NDJSON: method and params, checked; problems name params as JSON keys and never show secrets', async () => {
    const preparer = new Preparer(registry);
    expect(await prepare(preparer,
      { kind: 'json', line: 1, text: '{"method":"createCustomer","params":{"id":"A","name":"A","admin":{"email":"a@b.co"}}}' },
      { kind: 'json', line: 2, text: '{"method":"createCustomer","params":{"id":"A","name":"A","admin":{"email":"nope"}}}' },
      { kind: 'json', line: 3, text: '{"method":"resetPasswordByEmail","params":{"email":"a@b.co","password":["hunter2"]}}' },
      { kind: 'json', line: 4, text: '{"method":"createUser"}' },
      { kind: 'json', line: 5, text: '{"method":7,"params":[]}' },
      { kind: 'json', line: 6, text: '{"method":"createUser","params":{"email":"a@b.co"' },
    )).toEqual([
      { kind: 'call', call: { line: 1, method: 'createCustomer', params: { id: 'A', name: 'A', admin: { email: 'a@b.co' } } } },
      { kind: 'invalid', problems: ['line 2: "admin.email": must be an e-mail address (got "nope")'] },
      { kind: 'invalid', problems: ['line 3: "password": must be a string (got "****")'] },
      { kind: 'invalid', problems: ['line 4: missing required "email"'] },
      { kind: 'invalid', problems: ['line 5: "method" must be a string', 'line 5: "params" must be a JSON object'] },
      { kind: 'invalid', problems: ["line 6: not valid JSON: Expected ',' or '}' after property value at column 50"] },
    ]);
  });

  it('CSV: dotted and kebab headers, values converted to the schema types, empty cells left out', async () => {
    const customers = new Preparer(registry, 'createCustomer');
    expect(await prepare(customers,
      { kind: 'header', line: 1, cells: ['id', 'name', 'admin.email', 'admin.display-name'] },
      { kind: 'row', line: 2, cells: ['C1', 'One', 'a@b.co', null] },
      { kind: 'row', line: 3, cells: ['C2', 'Two', 'bad', 'X'] },
    )).toEqual([
      { kind: 'header' },
      { kind: 'call', call: { line: 2, method: 'createCustomer', params: { id: 'C1', name: 'One', admin: { email: 'a@b.co' } } } },
      { kind: 'invalid', problems: ['line 3: "admin.email": must be an e-mail address (got "bad")'] },
    ]);
    const orders = new Preparer(registry, 'createFirstOrder');
    const [, order] = await prepare(orders,
      { kind: 'header', line: 1, cells: ['customer', 'id', 'product', 'licenses', 'duration'] },
      { kind: 'row', line: 2, cells: ['C1', 'O1', 'oo-lite', ' 20 ', 'monthly'] },
    );
    expect(order).toEqual({ kind: 'call', call: { line: 2, method: 'createFirstOrder', params: { customer: 'C1', id: 'O1', product: 'oo-lite', licenses: 20, duration: 'monthly' } } });
    const updates = new Preparer(registry, 'updateUserByEmail');
    const [, off, bad] = await prepare(updates,
      { kind: 'header', line: 1, cells: ['email', 'is-active'] },
      { kind: 'row', line: 2, cells: ['a@b.co', 'No'] },
      { kind: 'row', line: 3, cells: ['a@b.co', 'maybe'] },
    );
    expect(off).toEqual({ kind: 'call', call: { line: 2, method: 'updateUserByEmail', params: { email: 'a@b.co', isActive: false } } });
    expect(bad).toEqual({ kind: 'invalid', problems: ['line 3: "is-active": must be true or false (got "maybe")'] });
  });

  it('CSV header problems: no name, twice, unknown', async () => {
    const preparer = new Preparer(registry, 'createUser');
    expect(await preparer.prepare({ kind: 'header', line: 1, cells: ['email', null, 'displayName', 'display-name', 'pasword'] })).toEqual({
      kind: 'invalid',
      problems: ['line 1: column 2 has no name', 'line 1: column "display-name" is there twice', 'line 1: unknown column "pasword" (did you mean "password"?)'],
    });
  });
});

describe('LineSet', () => {
  it('holds line numbers, growing as needed', () => {
    const set = new LineSet();
    for (const line of [1, 7, 8, 100_000, 7]) set.add(line);
    expect([0, 1, 7, 8, 9, 100_000, 100_001].map((line) => set.has(line))).toEqual([false, true, true, true, false, true, false]);
    expect(set.size).toBe(4);
  });
});

describe('Gate', () => {
  it('lets --concurrency calls in, the next when one leaves; none once stopping', async () => {
    const stop = new StopControl();
    const gate = new Gate({ concurrency: 2 }, stop);
    expect(await gate.enter()).toBe(true);
    expect(await gate.enter()).toBe(true);
    let third: boolean | undefined;
    const waiting = gate.enter().then((entered) => (third = entered));
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBeUndefined();
    gate.leave();
    await waiting;
    expect(third).toBe(true);
    stop.onFailure();
    expect(await gate.enter()).toBe(false);
  });

  it('--rate spaces the starts', async () => {
    let now = 1000;
    const gate = new Gate({ concurrency: 10, rate: 1000, now: () => now }, new StopControl());
    expect(await gate.enter()).toBe(true);
    let second = false;
    const waiting = gate.enter().then(() => (second = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(second).toBe(false);
    now += 1;
    await waiting;
    expect(second).toBe(true);
  });

  it('waiting for --rate alone always sets a timer, even when the slot falls due while the wait is worked out', async () => {
    // Each reading of the clock is 0.6 ms on: the start slot is 0.4 ms away when checked, and
    // already passed when the wait is computed. With nothing in flight, no leave() would ever wake
    // a wait without a timer, and the process would end in mid-batch (exit 0, no summary).
    let now = 1000;
    const gate = new Gate({ concurrency: 8, rate: 1000, now: () => (now += 0.6) }, new StopControl());
    expect(await gate.enter()).toBe(true);
    gate.leave();
    await new Promise((resolve) => setImmediate(resolve));
    const entered = await Promise.race([gate.enter(), new Promise((resolve) => setTimeout(() => resolve('stuck'), 200))]);
    expect(entered).toBe(true);
  });

  it('a second signal abandons the calls in flight', () => {
    const stop = new StopControl();
    stop.onSignal('SIGINT');
    expect([stop.stopping, stop.abandon]).toEqual([true, false]);
    stop.onSignal('SIGINT');
    expect(stop.abandon).toBe(true);
  });
});

/** An answer as the executor hands it over: classified, then made an outcome. */
function answerOutcome(head: AnswerHead, text: string, truncated: boolean, attempts: number) {
  return outcomeOf(head, text, classifyAnswer(head, { text, bytes: Buffer.byteLength(text), complete: !truncated }), attempts);
}

describe('result records', () => {
  const head = (status: number, statusText: string) => ({ status, statusText, headers: {} });

  it('ok, HTTP failures with the server message, bodies that are not JSON, network failures', () => {
    const none = new JsonTextMask([]);
    expect(resultRecord(3, 'createUser', answerOutcome(head(200, 'OK'), '{"id":1}', false, 1), none)).toBe('{"line":3,"method":"createUser","status":200,"ok":true,"body":{"id":1}}\n');
    expect(resultRecord(4, 'createUser', answerOutcome(head(400, 'Bad Request'), '"duplicate"', false, 1), none)).toBe(
      '{"line":4,"method":"createUser","status":400,"ok":false,"code":"E_HTTP_4XX","error":"duplicate","body":"duplicate"}\n',
    );
    expect(answerOutcome(head(503, 'Service Unavailable'), '<html>', false, 3)).toMatchObject({ ok: false, exitCode: 5, code: 'E_HTTP_5XX', body: '<html>', attempts: 3 });
    expect(answerOutcome(head(200, 'OK'), 'hello', false, 1)).toMatchObject({ ok: false, exitCode: 1, code: 'E_NOT_JSON', body: 'hello' });
    expect(resultRecord(5, 'getUserByEmail', errorOutcome(new NetworkError('connection to h:1 was reset', 'E_CONNRESET'), 2), none)).toBe(
      '{"line":5,"method":"getUserByEmail","status":null,"ok":false,"code":"E_CONNRESET","error":"connection to h:1 was reset","attempts":2}\n',
    );
    expect(JSON.parse(uncertainRecord(6, 'createFirstOrder', 'why'))).toEqual({ line: 6, method: 'createFirstOrder', status: null, ok: false, uncertain: true, code: 'E_UNCERTAIN', error: 'why' });
  });

  it('a success with retries and times is written key for key as JSON.stringify writes it, the body as received', () => {
    const outcome = { ...answerOutcome(head(201, 'Created'), '{"id":"u1", "tags":[1,2]}', false, 3), seconds: { starttransfer: 0.0012344, total: 0.0025 } };
    const expected = `${JSON.stringify({ line: 7, method: 'createUser', status: 201, ok: true, attempts: 3, time_starttransfer: 0.001234, time_total: 0.0025 }).slice(0, -1)},"body":{"id":"u1", "tags":[1,2]}}\n`;
    expect(resultRecord(7, 'createUser', outcome, new JsonTextMask([]))).toBe(expected);
    // A time that is not a number (no first byte) is null, as JSON.stringify writes it.
    const odd = { ...answerOutcome(head(200, 'OK'), 'true', false, 1), seconds: { starttransfer: Number.NaN, total: 0.5 } };
    expect(JSON.parse(resultRecord(8, 'createUser', odd, new JsonTextMask([])))).toEqual({ line: 8, method: 'createUser', status: 200, ok: true, time_starttransfer: null, time_total: 0.5, body: true });
  });

  it('a success whose body quotes a secret is masked, not copied as received', () => {
    const outcome = answerOutcome(head(200, 'OK'), '{"echo":"tok-SECRET"}', false, 1);
    expect(resultRecord(9, 'createUser', outcome, new JsonTextMask(['SECRET']))).toBe('{"line":9,"method":"createUser","status":200,"ok":true,"body":{"echo":"tok-****"}}\n');
  });
});

describe('summary', () => {
  it('counts by outcome, and says what was not done and how to resume', () => {
    const tally = new Tally();
    for (let line = 1; line <= 8; line++) tally.add(line, answerOutcome({ status: 200, statusText: 'OK', headers: {} }, 'true', false, 1));
    tally.add(9, answerOutcome({ status: 400, statusText: 'Bad Request', headers: {} }, '"no"', false, 1));
    tally.add(10, errorOutcome(new NetworkError('refused', 'E_CONNREFUSED'), 1));
    tally.skipped = 5;
    tally.addUncertain(11);
    expect(tally.worstExitCode).toBe(6);
    expect(summaryLines({ tally, seconds: 2, resultsPath: 'out.ndjson', notSent: 3, stoppedAt: undefined, signal: 'SIGINT', resumeCommand: 'oneoffice batch in.ndjson --results out.ndjson --resume' })).toEqual([
      'batch: 10 calls in 2.0 s (5/s): 8 ok, 2 failed (1 HTTP 4xx, 1 network); 5 lines skipped (results from before); 1 uncertain (line 11): sent, but no answer was recorded; not sent again (--retry-uncertain would); interrupted (SIGINT): 3 not sent; results in out.ndjson',
      'batch: to run the rest: oneoffice batch in.ndjson --results out.ndjson --resume',
    ]);
  });
});

describe('batch options', () => {
  const read = (...argv: string[]) => readBatchOptions(parseCallArgs(argv, BATCH_OPTIONS, []));

  it('defaults, and CSV when --method is given', () => {
    expect(read('in.ndjson')).toEqual({ input: 'in.ndjson', format: 'ndjson', concurrency: 8, resume: false, retryUncertain: false, retryFailed: false, stopOnError: false, dryRun: false, network: {}, headers: [] });
    expect(read('-', '--method', 'createUser', '--rate', '2.5', '--concurrency', '3')).toMatchObject({ input: '-', format: 'csv', method: 'createUser', rate: 2.5, concurrency: 3 });
  });

  it('reads the -H lines into edits of the headers: a value trimmed, an empty one removes the header', () => {
    expect(read('in.ndjson', '-H', 'X-Trace:  1 ', '-H', 'Accept:').headers).toEqual([['X-Trace', '1'], ['Accept', undefined]]);
  });

  it('reads the connection and retry flags into typed settings: milliseconds, counts, paths', () => {
    expect(read('in.ndjson', '--max-time', '2.5', '--connect-timeout', '1', '--retry', '3', '--retry-delay', '0', '--cacert', 'ca.pem', '-k').network).toEqual({ maxTimeMs: 2500, connectTimeoutMs: 1000, retries: 3, retryDelayMs: 0, cacert: 'ca.pem', insecure: true });
  });

  it('reports a bad network flag together with its other problems, naming each flag', () => {
    expect(() => read('in.ndjson', '--max-time', 'soon', '--retry', '-1', '--concurrency', '0')).toThrow(
      expect.objectContaining({
        problems: ['--concurrency: must be a whole number from 1 to 1000 (got "0")', '--max-time: must be a number of seconds above 0 (got "soon")', '--retry: must be a whole number (0 or more) (got "-1")'],
      }),
    );
  });

  it('reports every problem at once', () => {
    expect(() => read('a', 'b', '--retry-uncertain', '--params', '{}', '--curl')).toThrow(
      expect.objectContaining({
        problems: ['unknown option --params (see oneoffice batch --help)', 'unknown option --curl (see oneoffice batch --help)', 'unexpected argument "b"', '--retry-uncertain goes with --resume'],
      }),
    );
  });
});
