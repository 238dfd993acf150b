// The flags of `oneoffice test`: its own, plus those of single calls that apply to every step
// (connection, retries, timeouts, config). Printing a request (--curl, -v, --show-secrets) and
// --params mean nothing here and are left out, so they are reported as unknown. Read here, at the
// CLI's edge, into typed options: nothing in scenario/ reads a flag.
import { readFileSync } from 'node:fs';
import { MAX_TEST_JOBS, TEST_OWN_OPTIONS, unknownOption, type ParsedArgs } from '../options/args.js';
import { TEST_CALL_OPTIONS, TEST_OPTIONS } from '../options/commands.js';
import { readNetworkFlags } from '../options/network-flags.js';
import { readHeaderFlag } from '../options/header-flag.js';
import type { HeaderEdit } from '../api/header-lines.js';
import type { NetworkChoices } from '../api/settings.js';
import { REPORT_FORMATS, type ReportFormat } from '../scenario/reports.js';
import { unsafeValues } from '../api/param-safety.js';
import { isRecord } from '../scenario/template.js';
import { readYaml } from '../scenario/yaml.js';
import { isUtf16, UTF16_ADVICE } from '../api/text.js';

export { TEST_CALL_OPTIONS, TEST_OPTIONS, TEST_OWN_OPTIONS };

export interface TestOptions {
  paths: string[];
  globs: string[];
  jobs: number;
  reports: Array<{ format: ReportFormat; file: string }>;
  overrides: Map<string, unknown>;
  mock: boolean;
  dryRun: boolean;
  /** The --vars-file path, as given (read into `overrides`). */
  varsFile?: string;
  /** The connection and retry flags, typed (config/network.ts fills in the rest). */
  network: NetworkChoices;
  /** The -H lines, read. */
  headers: HeaderEdit[];
}

/** Every problem with the flags, or the options. */
export function readTestOptions(parsed: ParsedArgs): { options: TestOptions; problems: string[] } {
  const { options } = parsed;
  const problems = [...parsed.problems];
  for (const param of parsed.params) problems.push(unknownOption(param.flag, TEST_OPTIONS, ' (see oneoffice test --help)'));
  const network = readNetworkFlags(options);
  problems.push(...network.problems);
  // Every bad -H line, reported in pass 1 with the problems of the scenario files.
  const { headers, problems: headerProblems } = readHeaderFlag(options);
  problems.push(...headerProblems);
  let jobs = 1;
  if (typeof options['jobs'] === 'string') {
    jobs = Number(options['jobs']);
    if (!/^\d+$/.test(options['jobs']) || jobs < 1 || jobs > MAX_TEST_JOBS) problems.push(`--jobs: must be a whole number from 1 to ${MAX_TEST_JOBS} (got ${JSON.stringify(options['jobs'])})`);
  }
  const reports: TestOptions['reports'] = [];
  for (const value of (options['report'] as string[] | undefined) ?? []) {
    const colon = value.indexOf(':');
    const format = value.slice(0, colon) as ReportFormat;
    const file = value.slice(colon + 1);
    if (colon <= 0 || !REPORT_FORMATS.includes(format) || file === '') problems.push(`--report: must be FORMAT:FILE with FORMAT one of ${REPORT_FORMATS.join(', ')} (got ${JSON.stringify(value)})`);
    else reports.push({ format, file });
  }
  const overrides = new Map<string, unknown>();
  const varsFile = options['vars-file'];
  if (typeof varsFile === 'string') {
    let text: string | undefined;
    try {
      text = readFileSync(varsFile, 'utf8');
    } catch (error) {
      problems.push(`--vars-file ${varsFile}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    if (text !== undefined && isUtf16(text)) problems.push(`--vars-file ${varsFile} ${UTF16_ADVICE}`);
    else if (text !== undefined) {
      const read = readYaml(text);
      const data = read.ok ? read.value : undefined;
      if (!read.ok) problems.push(`--vars-file ${varsFile}:${read.line}: not valid YAML or JSON: ${read.reason}`);
      if (data !== undefined && !isRecord(data)) problems.push(`--vars-file ${varsFile}: must be a mapping of names to values`);
      // As in a scenario's vars: no integers JavaScript rounds, no prototype names.
      for (const found of isRecord(data) ? unsafeValues(data) : []) problems.push(`--vars-file ${varsFile}: ${found.path.join('.')}: ${found.problem}`);
      if (isRecord(data)) for (const [name, value] of Object.entries(data)) overrides.set(name, value);
    }
  }
  for (const value of (options['var'] as string[] | undefined) ?? []) {
    const match = /^([A-Za-z_][\w-]*)=(.*)$/s.exec(value);
    if (!match) problems.push(`--var: must be NAME=VALUE (got ${JSON.stringify(value.replace(/=.*/s, '=...'))})`);
    else overrides.set(match[1] as string, match[2]);
  }
  const mock = options['mock'] === true;
  if (mock && (typeof options['url'] === 'string' || typeof options['bearer'] === 'string')) problems.push('--mock runs against its own local server: leave out --url and --bearer');
  return {
    options: { paths: parsed.positionals, globs: (options['glob'] as string[] | undefined) ?? [], jobs, reports, overrides, mock, dryRun: options['dry-run'] === true, network: network.choices, headers, ...(typeof varsFile === 'string' ? { varsFile } : {}) },
    problems,
  };
}
