// The CLI's part of a client certificate: an encrypted key's passphrase, when --pass-env gave none,
// is asked on the terminal (hidden), then certificate, key and passphrase are checked together, so a
// mistake is reported before anything is sent. Only the CLI asks: the library takes a passphrase.
import { UsageError } from '../api/errors.js';
import { checkClientKey, type ClientCertificate } from '../http/client-cert.js';
import { FLAG_NAMES } from '../options/network-flags.js';

export interface Asker {
  deps: { stdin: NodeJS.ReadableStream & { isTTY?: boolean }; stderr: NodeJS.WritableStream };
  /** Keeps the passphrase out of anything printed. */
  addSecret(secret: string): void;
}

export async function unlockClientKey(ctx: Asker, client: ClientCertificate): Promise<void> {
  const { stdin, stderr } = ctx.deps;
  if (client.locked) {
    if (!stdin.isTTY) {
      throw new UsageError(`--key: ${client.keyPath} is encrypted: give its passphrase with --pass-env <variable> (there is no terminal to ask on)`, 'E_KEY_PASSPHRASE');
    }
    // `read` loads only to ask.
    const { read } = await import('read');
    try {
      client.passphrase = String(await read({ prompt: `Passphrase for ${client.keyPath}: `, silent: true, replace: '', input: stdin, output: stderr }));
    } catch {
      throw new UsageError('--key: cancelled', 'E_CANCELLED');
    }
    client.locked = false;
  }
  if (client.passphrase) ctx.addSecret(client.passphrase);
  await checkClientKey(client, FLAG_NAMES);
}
