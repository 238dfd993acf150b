// `oneoffice __complete <words...>`: what the shell scripts of `oneoffice completion` ask on every
// TAB (as cobra's and gh's do). The words are those after `oneoffice`, the last one being the word
// under the cursor (maybe empty). It answers one candidate a line (`value<TAB>description`), then a
// directive line `:<bits>` (1 no space after it, 2 let the shell complete file names, 4 directory
// names). It runs on every TAB, so it loads no commander, ajv or conf, and fails silently.
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { CALL_ONLY_OPTIONS, CALL_OPTIONS, scanGlobalOptions, type OptionSpec } from '../options/args.js';
import { BATCH_OPTIONS } from '../batch/options.js';
import { configPath, PROFILE_KEYS, readConfig, type Env } from '../config/file.js';
import { COMMAND_NAMES, COMMANDS } from './commands/list.js';
import { builtinSchemas } from '../generated/builtin.js';
import { isBooleanFlag, paramFlags, type ParamFlag } from '../api/schema/flags.js';
import { createRegistry, summaryOf, type Registry } from '../api/schema/registry.js';
import { MOCK_OPTIONS, ROOT_OPTIONS, TEST_OPTIONS } from './command-options.js';

export const NO_SPACE = 1;
export const FILES = 2;
export const DIRS = 4;

export interface Candidate {
  value: string;
  description?: string;
}

export interface Completion {
  candidates: Candidate[];
  directive: number;
}

const SHELLS = ['bash', 'zsh', 'fish'];
const CONFIG_SUBCOMMANDS: Candidate[] = [
  { value: 'set', description: 'set a key in the active profile' },
  { value: 'get', description: 'print a key of the active profile' },
  { value: 'unset', description: 'remove a key from the active profile' },
  { value: 'list', description: 'print every profile' },
  { value: 'path', description: 'print the config file path' },
  { value: 'use', description: 'make a profile the default one' },
];
/** Values that are files (the shell completes them), or directories. */
const FILE_VALUES = new Set(['--config', '--cacert', '--cert', '--key', '--results', '--state']);
const DIR_VALUES = new Set(['--schemas']);
const CONFIG_FILE_KEYS = new Set(['cacert', 'cert', 'key']);

export function complete(words: readonly string[], env: Env, cwd = '.'): Completion {
  const done = words.slice(0, -1);
  const current = words.at(-1) ?? '';
  const globals = scanGlobalOptions(done);
  // Read once, and only when a method name matters; a broken schema directory leaves the built-ins.
  let loaded: Registry | undefined;
  const registry = (): Registry => {
    try {
      loaded ??= createRegistry(builtinSchemas, globals.schemas || env['ONEOFFICE_SCHEMAS'] || readProfile(env, globals)?.schemas || undefined, [...COMMAND_NAMES]);
    } catch {
      loaded = createRegistry(builtinSchemas);
    }
    return loaded;
  };
  const shape = commandAt(done, registry);
  const options = optionsOf(shape);
  const params = shape.method ? paramFlags(shape.method.schema) : [];

  // `--name=value`: complete the value, keeping the `--name=` in front.
  const eq = current.startsWith('--') ? current.indexOf('=') : -1;
  if (eq !== -1) {
    const flag = current.slice(0, eq);
    const result = valuesOf(flag, current.slice(eq + 1), options, params, env, globals, registry, cwd);
    return { ...result, candidates: result.candidates.map((c) => ({ ...c, value: `${flag}=${c.value}` })) };
  }
  const previous = done.at(-1);
  if (previous !== undefined && shape.valueWanted) {
    const result = valuesOf(previous, current, options, params, env, globals, registry, cwd);
    // A boolean flag's value is optional: the next flag is as good.
    if (!(current.startsWith('-') && params.some((p) => p.flag === previous && isBooleanFlag(p.schema)))) return result;
  }
  if (current.startsWith('-')) return only(flagsOf(shape.command === undefined ? ROOT_OPTIONS : options, params, done), current);
  return positional(shape, current, registry, env, globals, options, params, done);
}

interface Shape {
  /** The command word, if typed: a command or a method. */
  command?: string;
  method?: { name: string; schema: import('../api/schema/types.js').JsonSchema };
  /** Operands after the command word (for call: the method first; for config: the subcommand). */
  operands: string[];
  /** The last word typed is an option that takes a value. */
  valueWanted: boolean;
}

function commandAt(done: readonly string[], registry: () => Registry): Shape {
  const shape: Shape = { operands: [], valueWanted: false };
  let options = optionsOf(shape);
  for (let i = 0; i < done.length; i++) {
    const word = done[i] as string;
    const last = i === done.length - 1;
    if (word.startsWith('-') && word !== '-') {
      const spec = findSpec(options, word);
      const param = shape.method ? paramFlags(shape.method.schema).find((p) => p.flag === word) : undefined;
      const takes = spec ? spec.takes === 'value' || spec.takes === 'list' : param !== undefined;
      if (takes) {
        if (last) shape.valueWanted = true;
        // A boolean flag takes a value only when one follows that looks like one.
        else if (!(param && isBooleanFlag(param.schema) && !/^(true|false|yes|no|on|off|0|1)$/i.test(done[i + 1] as string))) i++;
      }
      continue;
    }
    if (shape.command === undefined) {
      shape.command = word;
      const method = COMMAND_NAMES.includes(word) ? undefined : registry().get(word);
      if (method) shape.method = { name: word, schema: method.schema };
    } else {
      shape.operands.push(word);
      if (shape.command === 'call' && shape.operands.length === 1) {
        const method = registry().get(word);
        if (method) shape.method = { name: word, schema: method.schema };
      }
    }
    options = optionsOf(shape);
  }
  return shape;
}

function optionsOf(shape: Pick<Shape, 'command' | 'method'>): OptionSpec[] {
  if (shape.method) return shape.command === 'call' ? [...CALL_OPTIONS, ...CALL_ONLY_OPTIONS] : CALL_OPTIONS;
  switch (shape.command) {
    // Options of any command may stand before the command word; their values are skipped alike.
    case undefined: return [...ROOT_OPTIONS, ...[...CALL_OPTIONS, ...BATCH_OPTIONS, ...MOCK_OPTIONS].filter((spec) => !ROOT_OPTIONS.some((root) => root.long === spec.long))];
    case 'call': return [...CALL_OPTIONS, ...CALL_ONLY_OPTIONS];
    case 'batch': return BATCH_OPTIONS;
    case 'mock': return MOCK_OPTIONS;
    case 'test': return TEST_OPTIONS;
    default: return ROOT_OPTIONS.filter((spec) => spec.long !== '--version');
  }
}

function findSpec(options: readonly OptionSpec[], word: string): OptionSpec | undefined {
  return options.find((spec) => spec.long === word || spec.short === word);
}

function flagsOf(options: readonly OptionSpec[], params: readonly ParamFlag[], done: readonly string[]): Candidate[] {
  const typed = new Set(done);
  const once = (spec: OptionSpec) => spec.takes === 'list' || spec.takes === 'count' || !(typed.has(spec.long) || (spec.short !== undefined && typed.has(spec.short)));
  return [
    ...params.filter((p) => !typed.has(p.flag)).map((p) => ({ value: p.flag, description: `${p.required ? '(required) ' : ''}${p.schema.description ?? ''}`.trim() })),
    ...options.filter(once).map((spec) => ({ value: spec.long, description: spec.description })),
  ];
}

function valuesOf(flag: string, current: string, options: readonly OptionSpec[], params: readonly ParamFlag[], env: Env, globals: { config?: string }, registry: () => Registry, cwd: string): Completion {
  const param = params.find((p) => p.flag === flag);
  if (param) {
    if (param.schema.enum) return only(param.schema.enum.map((value) => ({ value: String(value) })), current);
    if (isBooleanFlag(param.schema)) return only([{ value: 'true' }, { value: 'false' }], current);
    return { candidates: [], directive: 0 };
  }
  const long = findSpec(options, flag)?.long ?? flag;
  if (long === '--profile') return only(profileNames(env, globals), current);
  if (long === '--method') return only(methodCandidates(registry()), current);
  if (long === '--pass-env') return only(Object.keys(env).sort().map((value) => ({ value })), current);
  if ((long === '--params' || long === '--write-out') && current.startsWith('@')) return atFiles(current, cwd);
  if (FILE_VALUES.has(long)) return { candidates: [], directive: FILES };
  if (DIR_VALUES.has(long)) return { candidates: [], directive: DIRS };
  return { candidates: [], directive: 0 };
}

function positional(shape: Shape, current: string, registry: () => Registry, env: Env, globals: { config?: string }, options: readonly OptionSpec[], params: readonly ParamFlag[], done: readonly string[]): Completion {
  const { command, operands } = shape;
  const commands = (): Candidate[] => [...COMMANDS].sort((a, b) => (a.name < b.name ? -1 : 1)).map((entry) => ({ value: entry.name, description: entry.description }));
  if (command === undefined) return only([...methodCandidates(registry()), ...commands()], current);
  if (shape.method) return only(flagsOf(options, params, done), current);
  switch (command) {
    case 'call':
      return operands.length === 0 ? only(methodCandidates(registry()), current) : { candidates: [], directive: 0 };
    case 'help':
      return operands.length === 0 ? only([...methodCandidates(registry()), ...commands()], current) : { candidates: [], directive: 0 };
    case 'completion':
      return operands.length === 0 ? only(SHELLS.map((value) => ({ value })), current) : { candidates: [], directive: 0 };
    case 'test':
      return { candidates: [], directive: FILES };
    case 'batch':
      return operands.length === 0 ? { candidates: current === '' ? [{ value: '-', description: 'read stdin' }] : [], directive: FILES } : { candidates: [], directive: 0 };
    case 'config': {
      const [sub, key] = operands;
      if (sub === undefined) return only(CONFIG_SUBCOMMANDS, current);
      if (sub === 'use' && key === undefined) return only(profileNames(env, globals), current);
      if ((sub === 'set' || sub === 'get' || sub === 'unset') && key === undefined) return only(PROFILE_KEYS.map((value) => ({ value })), current);
      if (sub === 'set' && operands.length === 2) {
        if (CONFIG_FILE_KEYS.has(key as string)) return { candidates: [], directive: FILES };
        if (key === 'schemas') return { candidates: [], directive: DIRS };
      }
      return { candidates: [], directive: 0 };
    }
    default:
      return { candidates: [], directive: 0 };
  }
}

function methodCandidates(registry: Registry): Candidate[] {
  return registry.names().map((name) => ({ value: name, description: summaryOf((registry.get(name) as { schema: { description?: string } }).schema) }));
}

function readProfile(env: Env, globals: { config?: string; profile?: string }) {
  try {
    const data = readConfig(configPath(env, globals.config));
    return data.profiles?.[globals.profile || env['ONEOFFICE_PROFILE'] || data.defaultProfile || 'default'];
  } catch {
    return undefined;
  }
}

function profileNames(env: Env, globals: { config?: string }): Candidate[] {
  try {
    const data = readConfig(configPath(env, globals.config));
    const names = new Set(['default', ...Object.keys(data.profiles ?? {})]);
    return [...names].sort().map((value) => ({ value }));
  } catch {
    return [{ value: 'default' }];
  }
}

/** `@file` for --params and -w: the files of the directory typed so far, with `@` in front. */
function atFiles(current: string, cwd: string): Completion {
  const typed = current.slice(1);
  const slash = typed.lastIndexOf('/');
  const dirPart = slash === -1 ? '' : typed.slice(0, slash + 1);
  const base = slash === -1 ? typed : typed.slice(slash + 1);
  const dir = dirPart === '' ? cwd : dirPart.startsWith('~/') ? `${homedir()}/${dirPart.slice(2)}` : dirPart.startsWith('/') ? dirPart : `${cwd}/${dirPart}`;
  let candidates: Candidate[] = [];
  try {
    candidates = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.name.startsWith(base) && (base.startsWith('.') || !entry.name.startsWith('.')))
      .map((entry) => ({ value: `@${dirPart}${entry.name}${entry.isDirectory() ? '/' : ''}` }))
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  } catch {
    candidates = [];
  }
  return { candidates, directive: candidates.some((c) => c.value.endsWith('/')) ? NO_SPACE : 0 };
}

function only(candidates: readonly Candidate[], current: string): Completion {
  return { candidates: candidates.filter((c) => c.value.startsWith(current)), directive: 0 };
}

/** The answer as the shell scripts read it. */
export function formatCompletion(completion: Completion): string {
  const lines = completion.candidates.map((c) => (c.description ? `${c.value}\t${c.description.split('\n')[0]?.replace(/\t/g, ' ')}` : c.value));
  return `${[...lines, `:${completion.directive}`].join('\n')}\n`;
}
