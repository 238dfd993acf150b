// Files held by one process, attacked (issue 20, items 14, 16 and 17): the mock's --state log on a
// full disk (a write that goes short, then fails with ENOSPC, injected at the log's one write), then
// read back by a real mock process; locks taken on what a path resolves to (a file and a symbolic
// link to it); config files with wrong types, and profile names that reach a prototype.
import { lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateLog, logPathOf, type WriteAt } from '../../src/mock/state-log.js';
import type { HeldLock } from '../../src/files/lock.js';
import { startBatch } from '../helpers/batch.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { startMockProcess } from '../helpers/mock-process.js';
import { startRecordingServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'harden-files-token-0123456789-f11e';

const user = (email: string) => ({ instance: 1, email, displayName: email, isActive: true, passwordHash: null, createdAt: 0 });

describe('mock --state on a full disk (item 14)', () => {
  it('a short write is finished or the change fails; a failed write is cut back to the last whole record; a restart keeps every acknowledged change', async () => {
    const dir = tempDir('full-disk');
    const statePath = join(dir, 'state.json');
    // The disk: `spaceBytes` left, and at most `perWrite` bytes taken by one write (a nearly full disk writes short).
    let spaceBytes = Infinity;
    let perWrite = Infinity;
    const writeAt: WriteAt = async (handle, buffer, offset, length, position) => {
      const bytes = Math.min(length, spaceBytes, perWrite);
      if (bytes <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      spaceBytes -= bytes;
      return (await handle.write(buffer, offset, bytes, position)).bytesWritten;
    };
    const { state, log } = await StateLog.open(statePath, writeAt);
    const logText = () => readFileSync(logPathOf(statePath), 'utf8');
    const emails = (text: string) => text.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { user: { email: string } }).user.email);

    state.addUser(user('first@example.com'));
    await log.durable();
    const firstRecord = logText();

    // 10 bytes of space: part of the record is written, then ENOSPC.
    spaceBytes = 10;
    state.addUser(user('lost-space@example.com'));
    await expect(log.durable()).rejects.toMatchObject({ code: 'E_STATE', message: `cannot write state file ${logPathOf(statePath)}: ENOSPC` });
    expect(logText()).toBe(firstRecord);

    // Space again, but every write goes short: each record is still written whole.
    spaceBytes = Infinity;
    perWrite = 7;
    state.addUser(user('after@example.com'));
    await log.durable();
    expect(emails(logText())).toEqual(['first@example.com', 'lost-space@example.com', 'after@example.com']);

    // As kill -9 leaves it: the log as written, no compaction; then a real mock reads it.
    const abandoned = log as unknown as { handle: FileHandle; lock: HeldLock };
    await abandoned.handle.close();
    abandoned.lock.release();
    const mock = await startMockProcess(['--port', '0', '--token', TOKEN, '--state', statePath, '--quiet']);
    try {
      const env = isolatedEnv({ ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: TOKEN });
      for (const email of ['first@example.com', 'after@example.com']) {
        const read = await runCli(['getUserByEmail', '--email', email, '--query', 'email'], { env });
        expect([read.code, read.stdout]).toEqual([0, `${email}\n`]);
      }
    } finally {
      expect(await mock.stop('SIGTERM')).toBe(0);
    }
  });
});

describe('locks by what the path resolves to (item 16)', () => {
  it('a batch on a symbolic link to the results file of a running batch is refused, and sends nothing', async () => {
    const dir = tempDir('link-results');
    const server = await startRecordingServer(() => undefined); // never answers: the first batch stays running
    const env = isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN });
    const input = join(dir, 'in.ndjson');
    writeFileSync(input, `${JSON.stringify({ method: 'createUser', params: { email: 'a@b.co' } })}\n`);
    const results = join(dir, 'r.ndjson');
    const link = join(dir, 'link.ndjson');
    const first = startBatch([input, '--results', results], env, 'ignore');
    try {
      await waitFor(() => server.received.length > 0, 'the first batch to send its call');
      expect(server.received).toHaveLength(1);
      symlinkSync(results, link);
      const second = await runCli(['batch', input, '--results', link, '--resume'], { env });
      expect(second.code).toBe(3);
      expect(second.stderr).toBe(`oneoffice: --results: ${link} is in use by process ${first.pid} (a batch writing to it); wait for it to end, or choose another --results file\n`);
      expect(server.received).toHaveLength(1);
    } finally {
      first.kill('SIGKILL');
      await first.exited;
      await server.close();
    }
  });

  it('a second mock on a symbolic link to a state file in use is refused, and the link stays a link', async () => {
    const dir = tempDir('link-state');
    const statePath = join(dir, 'state.json');
    const link = join(dir, 'link.json');
    symlinkSync(statePath, link);
    const first = await startMockProcess(['--port', '0', '--token', TOKEN, '--state', link, '--quiet']);
    try {
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      const second = await runCli(['mock', '--port', '0', '--state', statePath]);
      expect(second).toEqual({ code: 3, stdout: '', stderr: `oneoffice: state file ${statePath} is in use by process ${first.child.pid} (another oneoffice mock): stop it, or choose another --state file\n` });
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toMatchObject({ users: [] });
  });

  it('config set through a symbolic link, in parallel with config set on the file, keeps every profile and the link', async () => {
    const dir = tempDir('link-config');
    const env = isolatedEnv();
    const file = join(dir, 'config.json');
    const link = join(dir, 'link.json');
    writeFileSync(file, '{}\n', { mode: 0o600 });
    symlinkSync(file, link);
    const sets = Array.from({ length: 12 }, (_, i) => runCli(['--config', i % 2 ? link : file, '--profile', `p${i}`, 'config', 'set', 'url', `https://p${i}.example`], { env }));
    const results = await Promise.all(sets);
    expect(results.map((result) => result.code)).toEqual(Array(12).fill(0));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { profiles: Record<string, { url: string }> };
    expect(Object.keys(saved.profiles).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `p${i}`).sort());
  });
});

describe('config files and profile names (item 17)', () => {
  it('config set in a profile named constructor, prototype or __proto__ is refused (exit 2) and writes nothing', async () => {
    const env = isolatedEnv();
    for (const name of ['constructor', 'prototype', '__proto__']) {
      expect(await runCli(['--profile', name, 'config', 'set', 'url', 'https://x.example'], { env })).toEqual({
        code: 2,
        stdout: '',
        stderr: `oneoffice: --profile: "${name}" is not allowed as a profile name\n`,
      });
    }
    expect(await runCli(['config', 'use', 'constructor'], { env })).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: config use: "constructor" is not allowed as a profile name\n' });
    expect((await runCli(['config', 'list'], { env })).stdout).toBe('[default] (active)\n');
  });

  it('a config file with a wrong type names the file and the key (exit 3), for a call and for config', async () => {
    const dir = tempDir('config-types');
    const env = isolatedEnv();
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ profiles: { default: { url: 5, bearer: ['tok-secret-1234'] }, staging: 'https://x' } }));
    const expected = `oneoffice: config file ${file}: profiles.default.url must be a string (got a number); profiles.default.bearer must be a string (got a list); profiles.staging must be an object (got a string)\n`;
    expect(await runCli(['--config', file, 'getUserByEmail', '--email', 'a@b.co'], { env })).toEqual({ code: 3, stdout: '', stderr: expected });
    expect(await runCli(['--config', file, 'config', 'list'], { env })).toEqual({ code: 3, stdout: '', stderr: expected });
  });

  it('an invalid defaultProfile is blamed on the file, not on --profile', async () => {
    const dir = tempDir('config-default');
    const env = isolatedEnv();
    const named = join(dir, 'named.json');
    writeFileSync(named, JSON.stringify({ defaultProfile: 'bad name', profiles: { default: { url: 'https://x.example' } } }));
    expect(await runCli(['--config', named, 'config', 'get', 'url'], { env })).toEqual({
      code: 3,
      stdout: '',
      stderr: `oneoffice: config file ${named}: defaultProfile: profile names are letters, digits, - and _ (got "bad name")\n`,
    });
    const typed = join(dir, 'typed.json');
    writeFileSync(typed, JSON.stringify({ defaultProfile: 7 }));
    expect(await runCli(['--config', typed, 'config', 'list'], { env })).toEqual({ code: 3, stdout: '', stderr: `oneoffice: config file ${typed}: defaultProfile must be a string (got a number)\n` });
  });
});
