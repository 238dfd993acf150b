// The options of the commands that commander parses (the top level, mock), as OptionSpecs, for
// what must know them without loading commander: shell completion.
import { GLOBAL_OPTIONS, type OptionSpec } from '../options/args.js';

const HELP: OptionSpec = { long: '--help', short: '-h', takes: 'none', description: 'show help' };

export const ROOT_OPTIONS: OptionSpec[] = [{ long: '--version', short: '-V', takes: 'none', description: 'print the version' }, ...GLOBAL_OPTIONS, HELP];

export const MOCK_OPTIONS: OptionSpec[] = [
  { long: '--host', takes: 'value', valueName: 'host', description: 'address to listen on (default 127.0.0.1)' },
  { long: '--port', takes: 'value', valueName: 'port', description: 'port to listen on (default 8787; 0: any free port)' },
  { long: '--token', takes: 'value', valueName: 'token', description: 'the API token calls must send (default: a random one)' },
  { long: '--state', takes: 'value', valueName: 'file', description: 'keep the data in this file across restarts' },
  { long: '--latency', takes: 'value', valueName: 'ms', description: 'delay every answer by this many milliseconds' },
  { long: '--fail-rate', takes: 'value', valueName: 'rate', description: 'answer this share of calls (0..1) with 503' },
  { long: '--quiet', takes: 'none', description: 'no log line per call on stderr' },
  ...GLOBAL_OPTIONS,
  HELP,
];
