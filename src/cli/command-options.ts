// The options of the commands that commander parses (the top level, mock), as OptionSpecs from the
// one table, for what must know them without loading commander: shell completion.
import { GLOBAL_OPTIONS, MOCK_OPTIONS as MOCK_OWN_OPTIONS, TEST_OWN_OPTIONS, type OptionSpec } from '../options/args.js';

const HELP: OptionSpec = { long: '--help', short: '-h', takes: 'none', description: 'show help' };

export const ROOT_OPTIONS: OptionSpec[] = [{ long: '--version', short: '-V', takes: 'none', description: 'print the version' }, ...GLOBAL_OPTIONS, HELP];

export const MOCK_OPTIONS: OptionSpec[] = [...MOCK_OWN_OPTIONS, ...GLOBAL_OPTIONS.filter((spec) => !MOCK_OWN_OPTIONS.some((own) => own.long === spec.long)), HELP];

/** `oneoffice test`: its own options and the global ones (the call flags it also takes are in scenario/options.ts, which loads YAML). */
export const TEST_OPTIONS: OptionSpec[] = [...TEST_OWN_OPTIONS, ...GLOBAL_OPTIONS.filter((spec) => !TEST_OWN_OPTIONS.some((own) => own.long === spec.long)), HELP];
