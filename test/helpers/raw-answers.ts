// Answers written by hand on raw TCP connections, for tests of how a client reads each form an
// HTTP/1.1 answer may take (pieces, interim answers, HTTP/1.0): shared by the tests of a single
// call and of a test run's kept connections.
import type { Socket } from 'node:net';

/** Calls `answer` with each whole request that arrives (head and content-length body), numbered from 0 across connections. */
export function requestsOf(answer: (socket: Socket, index: number) => void): (socket: Socket) => void {
  let index = 0;
  return (socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      for (;;) {
        const headEnd = buffered.indexOf('\r\n\r\n');
        if (headEnd === -1) return;
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(buffered.subarray(0, headEnd).toString('latin1'))?.[1] ?? 0);
        if (buffered.length < headEnd + 4 + length) return;
        buffered = buffered.subarray(headEnd + 4 + length);
        answer(socket, index++);
      }
    });
  };
}

/** Writes the pieces one per turn of the event loop: the client reads them as separate chunks. */
export function inPieces(socket: Socket, pieces: string[]): void {
  const [first, ...rest] = pieces;
  if (first === undefined) return;
  socket.write(first);
  setImmediate(() => inPieces(socket, rest));
}

