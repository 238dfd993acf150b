// The mock's server (what `oneoffice mock` serves: startMockServer) started in the test's own process,
// for tests that need a real server on 127.0.0.1 but are not about the `oneoffice mock` process: no
// child to spawn and wait for, and its log kept as lines in memory. Tests of the mock command itself
// (its flags, start line, signals, state file between processes) use mock-process.ts.
import { afterAll, beforeAll } from 'vitest';
import { startMockServer, type MockServerOptions } from '../../src/mock/server.js';

export interface InProcessMock {
  url: string;
  token: string;
  /** Every line the server has logged so far (one per call: method, status, time). */
  log(): readonly string[];
  /** Stops it: answers what is in flight, closes connections. */
  close(): Promise<void>;
}

/** A mock on a free port of 127.0.0.1, logging into memory. */
export async function startMock(options: Omit<MockServerOptions, 'log' | 'host'> = {}): Promise<InProcessMock> {
  const lines: string[] = [];
  const server = await startMockServer({ port: 0, ...options, log: (line) => void lines.push(line) });
  return { url: server.url, token: server.token, log: () => lines, close: () => server.close() };
}

/** One mock for the whole test file: started in beforeAll, stopped in afterAll. */
export function useMock(options: Omit<MockServerOptions, 'log' | 'host'> = {}): InProcessMock {
  let mock: InProcessMock | undefined;
  const started = (): InProcessMock => {
    if (!mock) throw new Error('useMock: the mock is started in beforeAll; use it inside a test or hook');
    return mock;
  };
  beforeAll(async () => {
    mock = await startMock(options);
  });
  afterAll(() => mock?.close());
  return {
    get url() {
      return started().url;
    },
    get token() {
      return started().token;
    },
    log: () => started().log(),
    close: () => started().close(),
  };
}
