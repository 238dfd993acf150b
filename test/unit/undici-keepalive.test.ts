// Batches' connections (undici) get TCP keep-alive only once connected: Wine refuses it on a socket
// still connecting ("connect UNKNOWN" for every line of a batch), and Windows and Linux take either.
import { createServer, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createDispatcher, TCP_KEEPALIVE_DELAY_MS } from '../../src/http/undici-transport.js';

let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((req, res) => req.resume().on('end', () => res.end('{}')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('turns TCP keep-alive on for a batch connection once it is connected, never while it connects', async () => {
  const calls: Array<{ connecting: boolean; args: unknown[] }> = [];
  const original = Socket.prototype.setKeepAlive;
  const spy = vi.spyOn(Socket.prototype, 'setKeepAlive').mockImplementation(function (this: Socket, ...args: unknown[]) {
    calls.push({ connecting: this.connecting, args });
    return original.apply(this, args as Parameters<Socket['setKeepAlive']>);
  });
  const dispatcher = createDispatcher({ timeouts: { connectMs: 10_000, totalMs: 10_000 } });
  try {
    const response = await dispatcher.request({ origin, path: '/', method: 'GET' });
    await response.body.text();
  } finally {
    spy.mockRestore();
    await dispatcher.close();
  }
  expect(calls).toEqual([{ connecting: false, args: [true, TCP_KEEPALIVE_DELAY_MS] }]);
});
