// What every command receives: its streams, environment and lazily loaded shared state. Tests
// pass their own; bin/oneoffice.cjs passes the process's.
import type { Readable, Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { loadConfig, type Env, type LoadedConfig } from '../config/file.js';
import { expandHome } from '../config/paths.js';
import { builtinSchemas } from '../generated/builtin.js';
import { createRegistry, type Registry } from '../api/schema/registry.js';
import { COMMAND_NAMES } from './registry.js';
import { JsonTextMask, secretForms } from '../api/mask.js';

export interface Deps {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: Env;
  /** An undici dispatcher to send through (tests inject undici's MockAgent); when absent, a call opens its own connection (read by Node's HTTP parser, or undici's through a proxy). */
  dispatcher?: Dispatcher;
  /** The operating system to behave as (tests pass 'win32'); process.platform when absent. */
  platform?: NodeJS.Platform;
  /**
   * Sets V8 flags that suit one short run of a whole process (the baseline compilers only). Only the
   * CLI's own process passes it (processDeps): the flags change the engine for everything else
   * running in the process, such as a test runner calling main().
   */
  engineFlags?: (flags: readonly string[]) => Promise<void>;
}

export interface GlobalFlags {
  config?: string;
  profile?: string;
  schemas?: string;
  debug: boolean;
  noColor: boolean;
}


export class Context {
  private loadedConfig: LoadedConfig | undefined;
  private loadedRegistry: Registry | undefined;
  /** Secret values seen in this run (tokens), removed from anything printed about errors. */
  private readonly secrets: string[] = [];
  /** The masking of those secrets; made again when one is added. */
  private mask: JsonTextMask | undefined;
  constructor(
    readonly deps: Deps,
    readonly globals: GlobalFlags,
  ) {
    // Known before any command runs, so even an early error cannot print them.
    for (const name of ['ONEOFFICE_BEARER', 'BEARER']) {
      const value = deps.env[name];
      if (value) this.addSecret(value);
    }
  }

  platform(): NodeJS.Platform {
    return this.deps.platform ?? process.platform;
  }

  config(): LoadedConfig {
    this.loadedConfig ??= loadConfig(this.deps.env, this.globals, this.platform());
    return this.loadedConfig;
  }

  /** The user's schema directory (--schemas, $ONEOFFICE_SCHEMAS, config), if any. */
  userSchemaDir(): string | undefined {
    const dir = this.globals.schemas || this.deps.env['ONEOFFICE_SCHEMAS'] || this.config().profile.schemas;
    return dir ? expandHome(dir, this.deps.env, this.platform()) : undefined;
  }

  hasUserSchemas(): boolean {
    return this.userSchemaDir() !== undefined;
  }

  /** Built-in methods plus those in the user's schema directory. */
  registry(): Registry {
    this.loadedRegistry ??= createRegistry(builtinSchemas, this.userSchemaDir(), [...COMMAND_NAMES]);
    return this.loadedRegistry;
  }

  /** A secret to hide from now on, in each form it may take in text (a password with `"` appears escaped in JSON). */
  addSecret(secret: string): void {
    for (const form of secretForms(secret)) {
      if (this.secrets.includes(form)) continue;
      this.secrets.push(form);
      this.mask = undefined;
    }
  }

  /** Every form of every secret known so far (for masking a stream: output/stream-mask.ts). */
  secretForms(): readonly string[] {
    return this.secrets;
  }

  /** `text` with every secret known so far masked, however JSON may have written it (`\/`, `\u0041`). */
  redact(text: string): string {
    this.mask ??= new JsonTextMask([...this.secrets]);
    return this.mask.mask(text);
  }

  warn(message: string): void {
    this.deps.stderr.write(`oneoffice: warning: ${message}\n`);
  }
}
