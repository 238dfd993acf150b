// startMockServer, the programmatic API the demo and other tests start the local server with.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinSchemas } from '../../src/generated/builtin.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { createRegistry } from '../../src/api/schema/registry.js';
import { apiCall } from '../helpers/mock-process.js';
import { tempDir } from '../helpers/temp.js';

const registry = createRegistry(builtinSchemas);
let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startMockServer', () => {
  it('listens on 127.0.0.1, a free port by default, and logs each call without secrets', async () => {
    const lines: string[] = [];
    server = await startMockServer({ registry, token: 'library-token', log: (line) => lines.push(line) });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.port).toBeGreaterThan(0);
    expect(server.token).toBe('library-token');
    const response = await apiCall(server, 'createUser', { email: 'lib@b.cd', password: 'lib-password' });
    expect(response.status).toBe(200);
    expect(response.body).not.toContain('lib-password');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^createUser 200 \d+\.\dms$/);
  });

  it('close() stops it: later calls are refused, and closing again is harmless', async () => {
    const closing = await startMockServer({ registry });
    expect(closing.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await closing.close();
    await closing.close();
    await expect(apiCall(closing, 'getUserByEmail', { email: 'a@b.cd' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it("validates with the registry it is given, so a user's schema applies on both sides", async () => {
    const dir = tempDir('mock-schemas');
    const schema = { ...builtinSchemas['createUser'], required: ['email', 'displayName'] };
    writeFileSync(join(dir, 'createUser.json'), JSON.stringify(schema));
    server = await startMockServer({ registry: createRegistry(builtinSchemas, dir) });
    const response = await apiCall(server, 'createUser', { email: 'strict@b.cd' });
    expect(response.status).toBe(400);
    expect(response.body).toBe(JSON.stringify('missing required "displayName"'));
  });
});
