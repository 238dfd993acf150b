// `oneoffice __complete <words...>`: what the shell scripts of `oneoffice completion` ask on every
// TAB (as cobra's and gh's do). The words are those after `oneoffice`, the last one being the word
// under the cursor (maybe empty). It answers one candidate a line (`value<TAB>description`), then a
// directive line `:<bits>` (1 no space after it, 2 let the shell complete file names, 4 directory
// names). It runs on every TAB, so it loads no commander, ajv or conf, and fails silently.
import { readdirSync } from 'node:fs';
import { CALL_OPTIONS, scanGlobalOptions, type OptionSpec, type ValueCompletion } from '../options/args.js';
import { CALL_COMMAND_OPTIONS, ROOT_OPTIONS } from '../options/commands.js';
import { configPath, PROFILE_KEYS, readConfig, type Env } from '../config/file.js';
import { COMMAND_NAMES, COMMANDS, commandNamed, type CommandSpec, type SubcommandSpec } from './registry.js';
import { builtinSchemas } from '../generated/builtin.js';
import { isBooleanFlag, paramFlags, type ParamFlag } from '../api/schema/flags.js';
import { createRegistry, summaryOf, type Registry } from '../api/schema/registry.js';

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

/** Every option of every command: those given before the command word are skipped alike. */
const ANY_OPTIONS: OptionSpec[] = [...ROOT_OPTIONS, ...CALL_OPTIONS, ...COMMANDS.flatMap((command) => [...command.options, ...(command.subcommands ?? []).flatMap((sub) => sub.options ?? [])])];
const NOTHING: Completion = { candidates: [], directive: 0 };

/** What a value's completion may read: the environment, the config file, the methods, the directory. */
interface Where {
  env: Env;
  globals: { config?: string; profile?: string };
  registry: () => Registry;
  cwd: string;
}

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
  const where: Where = { env, globals, registry, cwd };
  const shape = commandAt(done, registry);
  const options = optionsOf(shape);
  const params = shape.method ? paramFlags(shape.method.schema) : [];

  // `--name=value`: complete the value, keeping the `--name=` in front.
  const eq = current.startsWith('--') ? current.indexOf('=') : -1;
  if (eq !== -1) {
    const flag = current.slice(0, eq);
    const result = valuesOf(flag, current.slice(eq + 1), options, params, where);
    return { ...result, candidates: result.candidates.map((c) => ({ ...c, value: `${flag}=${c.value}` })) };
  }
  const previous = done.at(-1);
  if (previous !== undefined && shape.valueWanted) {
    const result = valuesOf(previous, current, options, params, where);
    // A boolean flag's value is optional: the next flag is as good.
    if (!(current.startsWith('-') && params.some((p) => p.flag === previous && isBooleanFlag(p.schema)))) return result;
  }
  if (current.startsWith('-')) return only(flagsOf(shape.command === undefined ? ROOT_OPTIONS : options, params, done), current);
  return positional(shape, current, where, options, params, done);
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

function optionsOf(shape: Pick<Shape, 'command' | 'method' | 'operands'>): OptionSpec[] {
  if (shape.method) return shape.command === 'call' ? CALL_COMMAND_OPTIONS : CALL_OPTIONS;
  if (shape.command === undefined) return ANY_OPTIONS;
  const entry = commandNamed(shape.command);
  if (!entry) return ROOT_OPTIONS.filter((spec) => spec.long !== '--version');
  return [...(subcommandOf(entry, shape.operands)?.options ?? []), ...entry.options];
}

function subcommandOf(entry: CommandSpec, operands: readonly string[]): SubcommandSpec | undefined {
  return operands[0] === undefined ? undefined : entry.subcommands?.find((sub) => sub.name === operands[0]);
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

function valuesOf(flag: string, current: string, options: readonly OptionSpec[], params: readonly ParamFlag[], where: Where): Completion {
  const param = params.find((p) => p.flag === flag);
  if (param) {
    if (param.schema.enum) return only(param.schema.enum.map((value) => ({ value: String(value) })), current);
    if (isBooleanFlag(param.schema)) return only([{ value: 'true' }, { value: 'false' }], current);
    return NOTHING;
  }
  const spec = findSpec(options, flag);
  return spec?.complete ? completeValue(spec.complete, current, [], where) : NOTHING;
}

/** A value or operand, as the registry or the option table says it completes. */
function completeValue(how: ValueCompletion, current: string, operands: readonly string[], where: Where): Completion {
  const { env, globals, registry, cwd } = where;
  switch (how.kind) {
    case 'files': return { candidates: [], directive: FILES };
    case 'dirs': return { candidates: [], directive: DIRS };
    case 'input': return { candidates: current === '' ? [{ value: '-', description: 'read stdin' }] : [], directive: FILES };
    case 'at-files': return current.startsWith('@') ? prefixedFiles('@', current.slice(1), cwd) : NOTHING;
    case 'profiles': return only(profileNames(env, globals), current);
    case 'methods': return only(methodCandidates(registry()), current);
    case 'commands': return only([...methodCandidates(registry()), ...commandCandidates()], current);
    case 'env-names': return only(Object.keys(env).sort().map((value) => ({ value })), current);
    case 'config-keys': return only(PROFILE_KEYS.map((value) => ({ value })), current);
    case 'words': return only(how.words.map((value) => ({ value })), current);
    case 'prefixes': {
      // `junit:` first (no space after it), then a file name after it.
      const prefix = how.prefixes.find((p) => current.startsWith(p));
      if (prefix !== undefined) return prefixedFiles(prefix, current.slice(prefix.length), cwd);
      const result = only(how.prefixes.map((value) => ({ value })), current);
      return { ...result, directive: NO_SPACE };
    }
    case 'config-value': {
      // `config set cert <TAB>` completes as --cert's value does.
      const key = operands.at(-2);
      const spec = CALL_OPTIONS.find((option) => option.long === `--${key}`);
      return spec?.complete ? completeValue(spec.complete, current, [], where) : NOTHING;
    }
  }
}

function positional(shape: Shape, current: string, where: Where, options: readonly OptionSpec[], params: readonly ParamFlag[], done: readonly string[]): Completion {
  const { registry } = where;
  const { command, operands } = shape;
  if (command === undefined) return only([...methodCandidates(registry()), ...commandCandidates()], current);
  if (shape.method) return only(flagsOf(options, params, done), current);
  const entry = commandNamed(command);
  if (!entry) return NOTHING;
  let how: ValueCompletion | undefined;
  if (entry.subcommands) {
    const sub = subcommandOf(entry, operands);
    if (operands.length === 0) return only(entry.subcommands.map((s) => ({ value: s.name, description: s.description })), current);
    how = sub?.operands?.[operands.length - 1];
  } else {
    how = entry.operands?.[operands.length] ?? (operands.length >= (entry.operands?.length ?? 0) ? entry.moreOperands : undefined);
  }
  return how ? completeValue(how, current, [...operands, current], where) : NOTHING;
}

function commandCandidates(): Candidate[] {
  return [...COMMANDS].sort((a, b) => (a.name < b.name ? -1 : 1)).map((entry) => ({ value: entry.name, description: entry.description }));
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

/** `@file` for --params and -w, `junit:file` for --report: the files of the directory typed so far, with the prefix in front. */
function prefixedFiles(prefix: string, typed: string, cwd: string): Completion {
  const slash = typed.lastIndexOf('/');
  const dirPart = slash === -1 ? '' : typed.slice(0, slash + 1);
  const base = slash === -1 ? typed : typed.slice(slash + 1);
  const dir = dirPart === '' ? cwd : dirPart.startsWith('~/') ? `${process.getBuiltinModule('node:os').homedir()}/${dirPart.slice(2)}` : dirPart.startsWith('/') ? dirPart : `${cwd}/${dirPart}`;
  let candidates: Candidate[] = [];
  try {
    candidates = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.name.startsWith(base) && (base.startsWith('.') || !entry.name.startsWith('.')))
      .map((entry) => ({ value: `${prefix}${dirPart}${entry.name}${entry.isDirectory() ? '/' : ''}` }))
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
