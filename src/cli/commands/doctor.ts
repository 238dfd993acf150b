// `oneoffice doctor`: checks a setup end to end (local side, URL and token, proxy, DNS, TCP, TLS,
// the token accepted, the server's clock, the answer's shape) and says which part fails. Gathering
// (doctor/gather.ts) is the only I/O; the verdicts (doctor/checks.ts) and the report
// (doctor/print.ts) are pure. Exit 0 when nothing failed, else the class of the first failure.
import type { Context } from '../context.js';
import { ValidationError } from '../../api/errors.js';
import { parseCallArgs, unknownOption } from '../../options/args.js';
import { DOCTOR_OPTIONS } from '../../options/commands.js';
import { resolveNetwork } from '../../config/network.js';
import { FLAG_NAMES, readNetworkFlags } from '../../options/network-flags.js';
import { unlockClientKey } from '../unlock-key.js';
import { colors, useColor } from '../../output/color.js';
import { exitCodeOf, judge } from '../../doctor/checks.js';
import { gatherFacts } from '../../doctor/gather.js';
import { formatChecks, formatChecksJson, type Paint } from '../../doctor/print.js';
import { PROBE_EMAIL, PROBE_METHOD } from '../../doctor/facts.js';
import { targetFromArgs } from './target.js';
import { fitHelp } from '../help/wrap.js';

export async function runDoctorCommand(ctx: Context, argv: readonly string[]): Promise<number> {
  const { stdout, env } = ctx.deps;
  const parsed = parseCallArgs(argv, DOCTOR_OPTIONS, []);
  if (parsed.options['help']) {
    stdout.write(fitHelp(ctx.deps, doctorHelp()));
    return 0;
  }
  const problems = [
    ...parsed.problems,
    ...parsed.params.map((param) => unknownOption(param.flag, DOCTOR_OPTIONS, ' (see oneoffice doctor --help)')),
    ...parsed.positionals.map((arg) => `unexpected argument ${JSON.stringify(arg)}`),
  ];
  const { choices, problems: networkProblems } = readNetworkFlags(parsed.options);
  problems.push(...networkProblems);
  if (problems.length) throw new ValidationError(problems);

  const platform = ctx.platform();
  const facts = await gatherFacts(
    {
      env,
      platform,
      config: () => {
        const config = ctx.config();
        return { path: config.path, holdsToken: typeof config.profile.bearer === 'string' && config.profile.bearer !== '' };
      },
      target: () => targetFromArgs(ctx, parsed, []),
      network: (url) => resolveNetwork(choices, FLAG_NAMES, ctx.config().profile, env, url, true, platform),
      unlock: (network) => (network.clientCert ? unlockClientKey(ctx, network.clientCert) : Promise.resolve()),
      registry: ctx.registry(),
      mask: (text) => ctx.redact(text),
      ...(ctx.deps.dispatcher ? { dispatcher: ctx.deps.dispatcher } : {}),
    },
    { lookup, nodeVersion: process.versions.node },
  );
  const checks = judge(facts, Date.now());
  const exitCode = exitCodeOf(checks);
  const json = parsed.options['json'] === true;
  const text = json ? formatChecksJson(checks, exitCode) : formatChecks(checks, useColor(stdout, env, ctx.globals.noColor) ? await paint() : undefined);
  // Nothing here holds the token, and no message quotes it; masked all the same, as every error line is.
  stdout.write(ctx.redact(text));
  return exitCode;
}

async function lookup(host: string): Promise<string[]> {
  const { promises } = await import('node:dns');
  return (await promises.lookup(host, { all: true })).map((entry) => entry.address);
}

async function paint(): Promise<Paint> {
  const chalk = await colors();
  return { ok: chalk.green, warn: chalk.yellow, fail: chalk.red, skip: chalk.dim };
}

export function doctorHelp(): string {
  const width = Math.max(...DOCTOR_OPTIONS.map((spec) => flagsOf(spec).length));
  return `Usage: oneoffice doctor [options]

Checks a setup end to end and says which part fails, one line per check:
  node, config, completion   Node's version, the config file (and who may read it), shell completion
  url, token                 where each came from (flag, environment, profile); whether the token looks complete
  proxy, dns, connect, tls   which proxy (and whether NO_PROXY applies), DNS, TCP, TLS (protocol, certificate, issuer, days until it expires, --cacert, client certificate)
  auth                       a harmless read (${PROBE_METHOD} of ${PROBE_EMAIL}) tells a refused token (401/403) from an accepted one (the user is unknown)
  clock, answer              the server's clock against ours, the round trip, and the answer's shape against the method's response schema
Each line: ok, warn or fail (with what to do), or skip (not reached). The token is never printed.

Options:
${DOCTOR_OPTIONS.map((spec) => `  ${flagsOf(spec).padEnd(width)}  ${spec.description}`).join('\n')}

Exit codes: 0 when every check passed (warnings allowed), else the code of the first failure:
  3 configuration (no URL or token, a bad config file), 4 token refused, 5 server error, 6 network (DNS, connect, proxy, TLS), 7 timeout

Example:
  oneoffice doctor --profile staging
  oneoffice doctor --json | jq '.checks[] | select(.status == "fail")'
`;
}

function flagsOf(spec: (typeof DOCTOR_OPTIONS)[number]): string {
  const value = spec.takes === 'value' ? ` <${spec.valueName ?? 'value'}>` : '';
  return `${spec.short ? `${spec.short}, ` : ''}${spec.long}${value}`;
}
