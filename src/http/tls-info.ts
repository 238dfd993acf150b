// What -v says about a TLS connection, read off the socket (either transport).
import type { TLSSocket } from 'node:tls';
import type { TlsInfo } from './exchange.js';

export function tlsInfo(socket: TLSSocket): TlsInfo {
  const certificate = socket.getPeerCertificate();
  const name = (entity: Record<string, string | string[] | undefined> | undefined) =>
    entity ? Object.entries(entity).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`).join(', ') : '(none)';
  // getCertificate(): our own certificate, or an empty object without one.
  const own = socket.getCertificate() as { subject?: Record<string, string> } | null;
  return {
    ...(own?.subject ? { clientSubject: name(own.subject) } : {}),
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    subject: name(certificate.subject as unknown as Record<string, string>),
    issuer: name(certificate.issuer as unknown as Record<string, string>),
    validTo: certificate.valid_to ?? 'unknown',
  };
}
