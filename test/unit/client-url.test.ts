// The library client shows its URL with the password masked, as the CLI shows a URL: a program may
// print, log, inspect or JSON.stringify the client. The calls still go to the real URL, against a
// recording server on 127.0.0.1.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { useRecordingServer } from '../helpers/server.js';
import { createClient } from '../../src/index.js';

const TOKEN = 'client-url-token-0123456789-c0de';
const PASSWORD = 'url-pw-that-must-not-show';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

describe("the library client's url", () => {
  it('masks the password in client.url, util.inspect and JSON.stringify of the client', async () => {
    const url = rec.server.url.replace('http://', `http://user:${PASSWORD}@`);
    const masked = rec.server.url.replace('http://', 'http://user:****@');
    const client = createClient({ url, token: TOKEN, env: {} });
    try {
      expect(client.url.href).toBe(masked);
      expect(String(client.url)).toBe(masked);
      expect(JSON.stringify(client)).toBe(JSON.stringify({ url: masked }));
      const shown = inspect(client, { depth: 10, showHidden: true });
      expect(shown).toContain(masked);
      expect(shown).not.toContain(PASSWORD);
    } finally {
      await client.close();
    }
  });

  it('masks the password from the environment too, and a password that needed percent-encoding', async () => {
    const url = rec.server.url.replace('http://', 'http://user:p%40ss%3Aword@');
    const client = createClient({ env: { ONEOFFICE_URL: url, ONEOFFICE_BEARER: TOKEN } });
    try {
      expect(client.url.href).toBe(rec.server.url.replace('http://', 'http://user:****@'));
      expect(inspect(client, { depth: 10, showHidden: true })).not.toMatch(/p%40ss|p@ss/);
    } finally {
      await client.close();
    }
  });

  it('calls still go to the real URL, and changing client.url does not redirect them', async () => {
    const client = createClient({ url: rec.server.url.replace('http://', `http://user:${PASSWORD}@`), token: TOKEN, env: {} });
    try {
      client.url.port = '9';
      await client.getUserByEmail({ email: 'a@b.co' });
      expect(rec.server.received.map(({ url, headers }) => ({ url, key: headers['x-api-key'] }))).toEqual([{ url: new URL(rec.server.url).pathname, key: TOKEN }]);
    } finally {
      await client.close();
    }
  });

  it('a URL without a password is shown as it is', async () => {
    const client = createClient({ url: rec.server.url, token: TOKEN, env: {} });
    try {
      expect(client.url.href).toBe(rec.server.url);
      expect(JSON.stringify(client)).toBe(JSON.stringify({ url: rec.server.url }));
    } finally {
      await client.close();
    }
  });
});
