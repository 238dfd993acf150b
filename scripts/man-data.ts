// What the man page says, gathered from the specs the CLI's own help is made of: the registry of
// commands and their options, the call flags, each method's schema and flags, the exit-code table,
// and the main help's examples and environment. scripts/build.mjs bundles this file and renders it
// with scripts/man.mjs; nothing here is written by hand twice.
import { EXIT_CODES } from '../src/api/errors.js';
import { paramFlags, primaryType } from '../src/api/schema/flags.js';
import { summaryOf } from '../src/api/schema/registry.js';
import { COMMANDS } from '../src/cli/registry.js';
import { ENVIRONMENT, ENVIRONMENT_INTRO, MAIN_EXAMPLES } from '../src/cli/help/main-help.js';
import { builtinSchemas } from '../src/generated/builtin.js';
import { CALL_OPTIONS, GLOBAL_OPTIONS, type OptionSpec } from '../src/options/args.js';

export interface ManOption {
  /** "-k, --insecure", "--max-time seconds" */
  flags: string;
  description: string;
}

export interface ManData {
  commands: Array<{ name: string; usage: string; description: string; takesOptions: boolean; options: ManOption[]; subcommands: Array<{ usage: string; description: string }> }>;
  callOptions: ManOption[];
  globalOptions: ManOption[];
  methods: Array<{ name: string; summary: string; flags: Array<ManOption & { required: boolean }> }>;
  exitCodes: Array<{ code: number; meaning: string }>;
  environmentIntro: string;
  environment: Array<{ names: string; meaning: string }>;
  examples: Array<{ command: string; comment?: string }>;
}

function manOption(spec: OptionSpec): ManOption {
  const value = spec.takes === 'value' || spec.takes === 'list' ? ` ${spec.valueName ?? 'value'}` : spec.takes === 'optional' ? `[=${spec.valueName ?? 'value'}]` : '';
  return { flags: `${spec.short ? `${spec.short}, ` : ''}${spec.long}${value}`, description: spec.description };
}

const GLOBAL_LONGS = new Set(GLOBAL_OPTIONS.map((spec) => spec.long));
const CALL_LONGS = new Set(CALL_OPTIONS.map((spec) => spec.long));

export function manData(): ManData {
  return {
    commands: COMMANDS.map((command) => ({
      name: command.name,
      usage: command.usage,
      description: command.description,
      takesOptions: command.options.length > 0,
      // The call flags and the global options have sections of their own; a command lists its own.
      options: command.options.filter((spec) => !GLOBAL_LONGS.has(spec.long) && !CALL_LONGS.has(spec.long) && spec.long !== '--help').map(manOption),
      subcommands: (command.subcommands ?? []).map((sub) => ({ usage: sub.usage, description: sub.description })),
    })),
    callOptions: CALL_OPTIONS.map(manOption),
    globalOptions: GLOBAL_OPTIONS.map(manOption),
    methods: Object.entries(builtinSchemas).map(([name, schema]) => ({
      name,
      summary: summaryOf(schema),
      flags: paramFlags(schema).map((flag) => ({
        flags: `${flag.flag}${primaryType(flag.schema) === 'boolean' ? '' : ` ${primaryType(flag.schema) ?? 'value'}`}`,
        // "The product ordered." and its values read as one sentence: "...ordered; one of: ...".
        description: [flag.schema.enum ? summaryOf(flag.schema).replace(/\.$/, '') : summaryOf(flag.schema), flag.schema.enum ? `one of: ${flag.schema.enum.join(', ')}` : ''].filter(Boolean).join('; '),
        required: flag.required,
      })),
    })),
    exitCodes: EXIT_CODES.map(({ code, meaning }) => ({ code, meaning })),
    environmentIntro: ENVIRONMENT_INTRO,
    environment: [...ENVIRONMENT],
    examples: [...MAIN_EXAMPLES],
  };
}
