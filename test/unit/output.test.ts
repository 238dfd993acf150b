// The body on stdout: a failure to write stdout is reported as such, never as a network error.
import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeResponse } from '../../src/output/body.js';
import type { CallResponse } from '../../src/http/transport.js';

function answer(body: string): CallResponse {
  return { status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from(body)]) };
}

/** A stdout that fails the way a full disk does when written synchronously. */
const fullDisk = Object.assign(new Writable(), {
  write(): boolean {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  },
});

describe('writeResponse', () => {
  it.each([
    ['raw bytes (stdout not a terminal)', false],
    ['pretty JSON (a terminal)', true],
  ])('a stdout write that fails: E_STDOUT, exit 23, not mapped as a network error (%s)', async (_name, pretty) => {
    let mapped = 0;
    const written = writeResponse(answer('{"id":1}'), { stdout: fullDisk, pretty }, (error) => {
      mapped++;
      return error as Error;
    });
    await expect(written).rejects.toMatchObject({ code: 'E_STDOUT', exitCode: 23, message: 'cannot write the answer to stdout: ENOSPC' });
    expect(mapped).toBe(0);
  });

  it('a body read to its end maps no error when its stream closes afterwards (no premature-close error is made for every call)', async () => {
    let mapped = 0;
    const response = answer('{"id":1}');
    const chunks: Buffer[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk), done()) });
    await writeResponse(response, { stdout: sink, pretty: false }, (error) => {
      mapped++;
      return error as Error;
    });
    if (!response.body.closed) await once(response.body, 'close');
    expect(Buffer.concat(chunks).toString()).toBe('{"id":1}');
    expect(mapped).toBe(0);
  });

  it.each([
    ['one chunk', [Buffer.from('{"message":"Grüße, 名前 is taken"}')]],
    ['a character cut between chunks', [Buffer.from('{"message":"Grüße, 名'), Buffer.from('前 is taken"}')].flatMap((chunk, index) => (index === 0 ? [chunk.subarray(0, chunk.length - 2), chunk.subarray(chunk.length - 2)] : [chunk]))],
    ['no body', []],
  ])('an error answer is read as UTF-8 text whole, the server’s message from it (%s)', async (_name, chunks) => {
    const response = { status: 409, statusText: 'Conflict', headers: { 'content-type': 'application/json' }, body: Readable.from(chunks) };
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    const failed = writeResponse(response, { stdout: sink, pretty: false }, (error) => error as Error);
    await expect(failed).rejects.toMatchObject({ exitCode: 4 });
    const message = ((await failed.catch((error: unknown) => error)) as Error).message;
    if (chunks.length) expect(message).toContain('Grüße, 名前 is taken');
    else expect(message).not.toContain('�');
  });

  it('a body stream that fails goes through the transport mapping', async () => {
    const broken = new Readable({ read() { this.destroy(Object.assign(new Error('reset'), { code: 'ECONNRESET' })); } });
    const response = { ...answer(''), body: broken };
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    await expect(writeResponse(response, { stdout: sink, pretty: false }, () => new Error('mapped'))).rejects.toThrow('mapped');
  });
});
