// How a new connection comes up, told to -v and -w (the ExchangeObserver) alike by a call on node:http
// (node-transport.ts) and one on a socket of its own (socket-call.ts).
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ExchangeObserver } from './exchange.js';
import { tlsInfo } from './tls-info.js';

/** This side's address of a connection (-w's %{local_ip}, %{local_port}). */
export function localOf(socket: Socket): { local?: { address: string; port: number } } {
  return socket.localAddress && socket.localPort ? { local: { address: socket.localAddress, port: socket.localPort } } : {};
}

/**
 * Tells `observer` how `socket`, a new connection to `host`:`port`, comes up, and calls `ready` once
 * it is (TCP up, or for https its TLS handshake done). `on`, not `once`: each event comes once in a
 * connection's life, and Node would compile `once`'s wrappers (and removeListener) from source on
 * every call. Node reports each address of a name (an IPv6 and an IPv4 one, say): -v names the
 * first, once.
 */
export function watchConnecting(socket: Socket, target: { host: string; port: number; secure: boolean }, observer: ExchangeObserver | undefined, ready: () => void): void {
  const { host, port, secure } = target;
  let resolved = false;
  socket.on('lookup', (error: Error | null, address: string) => {
    if (error || resolved) return;
    resolved = true;
    observer?.resolved(address);
  });
  const up = (tls: boolean) => {
    ready();
    observer?.connected({ host, address: socket.remoteAddress ?? host, port: socket.remotePort ?? port, ...(tls ? { tls: tlsInfo(socket as TLSSocket) } : {}), ...localOf(socket) });
  };
  socket.on('connect', () => {
    observer?.tcpConnected();
    if (!secure) up(false);
  });
  if (secure) socket.on('secureConnect', () => up(true));
}
