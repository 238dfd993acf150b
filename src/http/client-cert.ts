// Client certificates (the cert, key and passphrase settings: the library's options, the CLI's --cert,
// --key and --pass-env, or the config keys) for servers that require one. The files are read and
// checked before anything is sent; an encrypted key's passphrase comes from the environment variable
// pass-env names or from the caller (the library's option; the CLI asks on a terminal:
// cli/unlock-key.ts). Nothing here reads a terminal. The passphrase is a secret: it is never printed.
import { readFileSync } from 'node:fs';
import { ConfigError, UsageError } from '../api/errors.js';
import { aboutSetting, OPTION_NAMES, type SettingName, type SettingNames } from '../api/settings.js';

/** The environment, as the config layer reads it (http may not import config). */
type Env = Record<string, string | undefined>;

export interface ClientCertificate {
  cert: string;
  key: string;
  passphrase?: string;
  /** As given, for --curl and messages. */
  certPath: string;
  keyPath: string;
  /** The variable that holds the passphrase (for --curl). */
  passEnv?: string;
  /** The key is encrypted and no passphrase has been found yet (the caller gives it: cli/unlock-key.ts, the library's option). */
  locked: boolean;
}

export interface Setting {
  value: string;
  source: string;
  /** Typed in this command (a usage error) rather than from the config file (a config error). */
  typed: boolean;
  /** Which setting this is, carried by an error about it. */
  setting?: SettingName;
}

const PEM_CERT = '-----BEGIN CERTIFICATE-----';
const PEM_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;
const ENCRYPTED = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/;

function fail(setting: Setting, message: string): never {
  const error = setting.typed ? new UsageError(message, 'E_CLIENT_CERT') : new ConfigError(message, 'E_CLIENT_CERT');
  throw setting.setting ? aboutSetting(error, setting.setting) : error;
}

function readPem(setting: Setting): string {
  try {
    return readFileSync(setting.value, 'utf8');
  } catch (error) {
    return fail(setting, `${setting.source}: cannot read ${setting.value}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** One setting on its own, as `config set` stores it (the others may come later). */
export function checkClientSetting(name: 'cert' | 'key' | 'pass-env', setting: Setting): void {
  if (name === 'pass-env') {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(setting.value)) fail(setting, `${setting.source}: must be the name of an environment variable (got ${JSON.stringify(setting.value)})`);
    return;
  }
  const text = readPem(setting);
  if (name === 'cert' && !text.includes(PEM_CERT)) fail(setting, `${setting.source}: ${setting.value} holds no PEM certificate`);
  if (name === 'key' && !PEM_KEY.test(text)) fail(setting, `${setting.source}: ${setting.value} holds no PEM private key`);
}

/** The certificate and key named by the settings (undefined without a certificate), checked but not unlocked; `names`: the caller's words for its settings. */
export function readClientCertificate(settings: { cert?: Setting; key?: Setting; passEnv?: Setting }, env: Env, names: SettingNames = OPTION_NAMES): ClientCertificate | undefined {
  const { cert: certSetting, key: keySetting, passEnv } = settings;
  if (!certSetting) {
    if (keySetting) fail(keySetting, `${keySetting.source} needs ${names.cert} <file>: the certificate that goes with the key`);
    return undefined;
  }
  const certText = readPem(certSetting);
  if (!certText.includes(PEM_CERT)) fail(certSetting, `${certSetting.source}: ${certSetting.value} holds no PEM certificate`);
  const keyText = keySetting ? readPem(keySetting) : certText;
  const keyFrom = keySetting ?? certSetting;
  if (!PEM_KEY.test(keyText)) {
    fail(keyFrom, keySetting ? `${keySetting.source}: ${keySetting.value} holds no PEM private key` : `${certSetting.source}: ${certSetting.value} holds no private key; give it with ${names.key} <file>`);
  }
  const client: ClientCertificate = { cert: certText, key: keyText, certPath: certSetting.value, keyPath: keyFrom.value, locked: ENCRYPTED.test(keyText) };
  if (passEnv) {
    client.passEnv = passEnv.value;
    const passphrase = env[passEnv.value];
    if (passphrase === undefined) fail(passEnv, `${passEnv.source}: the environment variable ${passEnv.value} is not set`);
    client.passphrase = passphrase;
    client.locked = false;
  }
  return client;
}

/** That certificate, key and passphrase go together (the key unlocked by now), so a mistake is reported before anything is sent. */
export async function checkClientKey(client: ClientCertificate, names: SettingNames = OPTION_NAMES): Promise<void> {
  // node:tls (~5 ms) only when a client certificate is used.
  const { createSecureContext } = await import('node:tls');
  try {
    createSecureContext({ cert: client.cert, key: client.key, ...(client.passphrase !== undefined ? { passphrase: client.passphrase } : {}) });
  } catch (error) {
    const text = `${(error as Error).message ?? ''} ${(error as { code?: string }).code ?? ''}`;
    const from = client.passEnv ? ` (from $${client.passEnv})` : '';
    // A key that OpenSSL compared with the certificate was read, so its passphrase was right.
    if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(text)) throw aboutSetting(new UsageError(`${names.cert}: ${client.certPath} and the key in ${client.keyPath} do not belong together`, 'E_CLIENT_CERT'), 'cert');
    if (wrongPassphrase(client, text, createSecureContext)) throw aboutSetting(new UsageError(`${names.passphrase}: wrong passphrase for ${client.keyPath}${from}`, 'E_KEY_PASSPHRASE'), 'passphrase');
    throw aboutSetting(new UsageError(`${names.cert}: cannot use ${client.certPath} with the key in ${client.keyPath}: ${(error as Error).message}`, 'E_CLIENT_CERT'), 'cert');
  }
}

const BAD_DECRYPT = /bad decrypt|BAD_DECRYPT|bad password|interrupted or cancelled/i;
/** Passphrases no one gives: a key any of them cannot decrypt (a bad decrypt) is one a passphrase can open. */
const PROBES = ['\u0000oneoffice: not a passphrase 1', '\u0000oneoffice: not a passphrase 2', '\u0000oneoffice: not a passphrase 3'];

/**
 * Whether the key failed to load (OpenSSL's words: `text`) because its passphrase is wrong. Mostly
 * OpenSSL says "bad decrypt"; but about one wrong passphrase in 370 decrypts to bytes whose padding
 * happens to look right, and which are then no key ("DECODER routines::unsupported"). So a key
 * that was decrypted but not read is tried with passphrases certainly wrong: if one of them is a
 * bad decrypt, a passphrase opens this key and the one given did not; a key that fails alike
 * whatever the passphrase (a cipher this OpenSSL cannot do) is reported as it failed.
 */
function wrongPassphrase(client: ClientCertificate, text: string, load: (options: { key: string; passphrase: string }) => unknown): boolean {
  if (BAD_DECRYPT.test(text)) return true;
  if (client.passphrase === undefined || !ENCRYPTED.test(client.key)) return false;
  return PROBES.some((passphrase) => {
    try {
      load({ key: client.key, passphrase });
      return false;
    } catch (error) {
      return BAD_DECRYPT.test(`${(error as Error).message ?? ''} ${(error as { code?: string }).code ?? ''}`);
    }
  });
}

/** What the TLS layers take. */
export function tlsClientOptions(client: ClientCertificate | undefined): { cert?: string; key?: string; passphrase?: string } {
  if (!client) return {};
  return { cert: client.cert, key: client.key, ...(client.passphrase !== undefined ? { passphrase: client.passphrase } : {}) };
}
