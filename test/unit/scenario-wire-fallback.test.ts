// Node's own HTTP parser comes from `_http_common`, which Node's documentation calls internal
// (DEP0199): looked for, not imported (http/kept-connections.ts nodeHttpParser). Where a Node hands
// it out no more, `oneoffice test` sends its steps through node:http's Agent instead, with the same
// results: shown with the built CLI, its require made to find no `_http_common`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { TOKEN, useScenarioBench } from '../helpers/scenario.js';
import { jsonResponder, startRecordingServer } from '../helpers/server.js';
import { keptConnections, nodeHttpParser } from '../../src/http/kept-connections.js';
import { NO_HTTP_COMMON } from '../helpers/no-http-common.js';

const s = useScenarioBench();
const USER = { id: 7, instance: 1, email: 'a@example.com', displayName: 'A', isActive: true, isAdmin: false, profile: {} };
const lookups = (count: number) => `steps:\n${Array.from({ length: count }, (_, i) => `  - call: getUserByEmail\n    params: { email: "w${i}@example.com" }\n`).join('')}`;

describe("a Node that hands out no HTTP parser of its own (_http_common gone or changed)", () => {
  it('this Node has one, with every part the kept connections use', () => {
    expect(nodeHttpParser()).toBeDefined();
  });

  it('a module that cannot be loaded, or lacks a part, counts as none: no kept connections are made', () => {
    const gone = () => {
      throw Object.assign(new Error("Cannot find module '_http_common'"), { code: 'MODULE_NOT_FOUND' });
    };
    expect(nodeHttpParser(gone)).toBeUndefined();
    expect(nodeHttpParser(() => undefined)).toBeUndefined();
    // The functions without the parser's constants (a changed module).
    expect(nodeHttpParser(() => ({ HTTPParser: class {}, isLenient: () => false, prepareError: () => undefined }))).toBeUndefined();
    expect(keptConnections(2, undefined)).toBeUndefined();
  });

  it("sends each step through node:http's Agent instead, with the same results (the built CLI on a Node whose require finds no _http_common)", async () => {
    const server = await startRecordingServer(jsonResponder(200, USER));
    const dir = s.folder();
    const preload = join(dir, 'no-http-common.cjs');
    const countFile = join(dir, 'requests');
    writeFileSync(preload, NO_HTTP_COMMON);
    try {
      const env = isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN, NODE_OPTIONS: `--require ${preload}`, COUNT_FILE: countFile });
      const result = await s.testProcess([s.file('fallback.yml', lookups(3))], env);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(server.received.map((request) => JSON.parse(request.body).params.email)).toEqual(['w0@example.com', 'w1@example.com', 'w2@example.com']);
      // Each step was a node:http request, and the module was asked for (and refused).
      expect(readFileSync(countFile, 'utf8')).toBe('3 requests, _http_common refused');
    } finally {
      await server.close();
    }
  });
});
