// `oneoffice <method> [flags]` and `oneoffice call <method> [flags]`: parse, validate, then send.
// Nothing is sent unless every check passed; network code loads only after that.
import { CALL_OPTIONS, parseCallArgs, unknownOption, type OptionSpec, type ParamToken, type ParsedArgs } from '../../options/args.js';
import { closest } from '../../api/suggest.js';
import type { Context } from '../context.js';
import { UsageError, ValidationError } from '../../api/errors.js';
import { assembleParams, hasPath, readParamsSource, type Params } from '../../api/params.js';
import { formatDryRun } from '../../output/printer.js';
import { callBuilder } from '../../api/request.js';
import { flagOf, paramFlags, type ParamFlag } from '../../api/schema/flags.js';
import { methodHelp, optionLines } from '../help/method-help.js';
import { checkParams } from '../../api/check.js';
import type { FieldNamer } from '../../api/schema/messages.js';
import { secretPaths } from '../../api/schema/registry.js';
import { secretValuesAt } from '../../api/mask.js';
import type { MethodSchema } from '../../api/schema/types.js';
import { loadValidator } from '../../api/schema/validator.js';
import { resolveNetwork } from '../../config/network.js';
import { FLAG_NAMES, readNetworkFlags } from '../../options/network-flags.js';
import { readHeaderFlag } from '../../options/header-flag.js';
import { SHELL_DIALECTS } from '../../output/quote.js';
import { unlockClientKey } from '../unlock-key.js';
import { targetFromArgs } from './target.js';
import { fitHelp } from '../help/wrap.js';

export type CallMode = { kind: 'method'; name: string } | { kind: 'call' };

export async function runCallCommand(ctx: Context, mode: CallMode, argv: readonly string[]): Promise<number> {
  const { stdout } = ctx.deps;
  const registry = ctx.registry();
  const isCall = mode.kind === 'call';
  const options = CALL_OPTIONS;

  // `call` takes the method as its first operand; find it before knowing which flags exist.
  let methodName = mode.kind === 'method' ? mode.name : undefined;
  let args = argv;
  if (isCall) {
    const probe = parseCallArgs(argv, options, []);
    methodName = probe.positionals[0];
    if (methodName === undefined) {
      if (probe.options['help']) {
        stdout.write(fitHelp(ctx.deps, callHelp()));
        return 0;
      }
      throw new UsageError('call: missing <method> (see oneoffice methods)');
    }
    const index = argv.indexOf(methodName);
    args = [...argv.slice(0, index), ...argv.slice(index + 1)];
  }
  const name = methodName as string;
  const method = registry.get(name);
  const flags = method ? paramFlags(method.schema) : [];
  const parsed = withoutOptionTypos(parseCallArgs(args, options, flags), options, flags);

  if (parsed.options['help']) {
    stdout.write(fitHelp(ctx.deps, method ? methodHelp(method, isCall) : callHelp()));
    return 0;
  }
  const curlWithoutEquals = (arg: string) => parsed.options['curl'] === true && (SHELL_DIALECTS as readonly string[]).includes(arg);
  const problems = [...parsed.problems, ...parsed.positionals.map((arg) => `unexpected argument ${JSON.stringify(arg)}${curlWithoutEquals(arg) ? ` (the shell goes with an =: --curl=${arg})` : ''}`)];
  const curlOption = parsed.options['curl'];
  if (typeof curlOption === 'string' && !(SHELL_DIALECTS as readonly string[]).includes(curlOption)) problems.push(`--curl: must be sh, powershell or cmd (got ${JSON.stringify(curlOption)})`);
  // --max-time 5 and the rest become typed settings here, once; below the CLI nothing reads a flag.
  const { choices, problems: networkProblems } = readNetworkFlags(parsed.options);
  problems.push(...networkProblems);
  // Every bad -H line, with the rest: one run shows all that is wrong.
  const { headers, problems: headerProblems } = readHeaderFlag(parsed.options);
  problems.push(...headerProblems);

  let base: Params = {};
  let fromParamsFlag = new Set<string>();
  const paramsSource = parsed.options['params'];
  let paramsUnreadable = false;
  if (typeof paramsSource === 'string') {
    const read = await readParamsSource(paramsSource, ctx.deps.stdin);
    paramsUnreadable = read.problem !== undefined;
    if (read.problem) problems.push(read.problem);
    else if (read.params) {
      base = read.params;
      fromParamsFlag = new Set(Object.keys(base));
    }
  }
  const assembled = assembleParams(base, parsed.params, method?.schema);
  problems.push(...assembled.problems);

  const validate = method !== undefined && parsed.options['no-validate'] !== true;
  if (!method) {
    if (!isCall) throw new UsageError(`unknown method ${name}`);
    // A typo of a known method is refused before anything is sent; --no-validate sends it as it is.
    const nearest = parsed.options['no-validate'] === true ? undefined : closest(name, registry.names());
    if (nearest !== undefined) throw new UsageError(`call: unknown method ${name} (did you mean ${nearest}?); to send it as it is, add --no-validate`);
    ctx.warn(`no schema for method "${name}": sending params unvalidated`);
  } else if (!validate) {
    ctx.warn(`--no-validate: sending params for "${name}" unchecked`);
  }
  // Without the --params object, missing-field errors would only be noise.
  if (validate && !paramsUnreadable) problems.push(...(await validationProblems(method, assembled.params, nameFor(isCall, assembled.flagPaths, fromParamsFlag, typedFlags(parsed.params)), new Set([...parsed.problemPaths, ...assembled.problemPaths]))));
  // A query that does not parse is a usage error, found before anything is sent.
  const queryText = parsed.options['query'];
  let query: ((text: string) => string) | undefined;
  if (typeof queryText === 'string') {
    const { compileQuery, queryAnswerText, prepareQueries } = await import('../../api/query.js');
    await prepareQueries([queryText]);
    const compiled = compileQuery(queryText);
    if (compiled.ok) query = (text) => queryAnswerText(compiled.run, text);
    else problems.push(`--query: ${compiled.problem}`);
  }
  const writeOutFlag = parsed.options['write-out'];
  // -w's parser loads only with -w (cli/perform.ts loads its renderer).
  const stdinTwice = writeOutFlag === '@-' && (paramsSource === '-' || paramsSource === '@-');
  if (stdinTwice) problems.push('--write-out @- and --params - both read stdin: give one of them from a file');
  const writeOut = typeof writeOutFlag === 'string' && !stdinTwice ? await (await import('../../output/write-out.js')).readWriteOut(writeOutFlag, ctx.deps.stdin) : undefined;
  if (writeOut && 'problem' in writeOut) problems.push(writeOut.problem);
  // As curl: an unknown variable is written as nothing, and the call goes on.
  else if (writeOut?.warning) ctx.warn(writeOut.warning);
  if (problems.length) throw new ValidationError(problems);

  const secrets = method ? secretPaths(method.schema) : [];
  // A server may quote a secret param back (`password Hunter2 is too weak`): hidden in every error line, -v and -w.
  for (const value of secretValuesAt(assembled.params, secrets)) ctx.addSecret(value);
  warnSecretsOnCommandLine(ctx, secrets, parsed.params, typeof paramsSource === 'string' && !/^(-|@)/.test(paramsSource) ? base : undefined);
  const reveal = { showSecrets: parsed.options['show-secrets'] === true };
  const printOnly = parsed.options['dry-run'] === true ? 'dry-run' : curlOption !== undefined ? 'curl' : undefined;
  // --curl reads the token from a variable or the config file when it runs, so it can do without one.
  const target = targetFromArgs(ctx, parsed, headers, { requireToken: printOnly !== 'curl' });
  const network = resolveNetwork(choices, FLAG_NAMES, ctx.config().profile, ctx.deps.env, target.url, method?.schema['x-idempotent'] === true, ctx.platform());
  const call = callBuilder({ url: target.url, token: target.token, headers })(name, assembled.params, secrets);

  if (printOnly === 'dry-run') {
    stdout.write(formatDryRun(call, reveal));
    return 0;
  }
  if (printOnly === 'curl') {
    // Loaded here: only --curl needs the shell dialects.
    const { printCurl } = await import('./curl.js');
    printCurl(ctx, call, { ...reveal, network, tokenValue: target.token, tokenOrigin: target.tokenOrigin }, curlOption);
    return 0;
  }
  if (network.clientCert) await unlockClientKey(ctx, network.clientCert);
  const { sendAndPrintCall } = await import('../perform.js');
  const from = { url: target.urlFrom, ...(target.tokenFrom ? { token: target.tokenFrom } : {}) };
  await sendAndPrintCall(ctx, call, { network, verbosity: (parsed.options['verbose'] as number | undefined) ?? 0, reveal, from, ...(query ? { query, queryText: queryText as string } : {}), ...(writeOut && 'format' in writeOut ? { writeOut: writeOut.format, ...(target.urlText ? { urlText: target.urlText } : {}) } : {}) });
  return 0;
}

async function validationProblems(method: MethodSchema, params: Params, nameOf: FieldNamer, reported: Set<string>): Promise<string[]> {
  // A flag whose value was already reported as malformed is not "missing" as well.
  return checkParams(method, await loadValidator(method), params, nameOf, reported);
}

/**
 * Name fields the way the user wrote them: as flags on method commands unless the value came from
 * --params, as JSON keys on `call` unless the value came from a flag.
 */
function nameFor(isCall: boolean, flagPaths: Set<string>, fromParams: Set<string>, typed: ReadonlyMap<string, string>) {
  return (path: string[], like: string[] = path): string => {
    const typedAsFlag = like.some((_, i) => flagPaths.has(like.slice(0, i + 1).join('.')));
    const typedInParams = fromParams.has(like[0] as string);
    const asFlag = typedAsFlag || (!isCall && !typedInParams);
    // A flag the user typed is named as typed (--EMAIL, not --email: the suggestion is that).
    return asFlag ? (typed.get(path.join('.')) ?? flagOf(path)) : JSON.stringify(path.join('.'));
  };
}

/** The flags not in the schema, by params path, as the user typed them. */
function typedFlags(tokens: readonly ParamToken[]): Map<string, string> {
  return new Map(tokens.filter((token) => token.known === undefined).map((token) => [token.path.join('.'), token.flag]));
}

/**
 * A secret param (x-secret, e.g. --password) typed on the command line is as visible to other
 * local users (ps) as a token given with --bearer, and gets the same warning.
 */
function warnSecretsOnCommandLine(ctx: Context, secrets: string[][], tokens: readonly ParamToken[], inlineParams: Params | undefined): void {
  const isSecret = (path: readonly string[]) => secrets.some((secret) => secret.length === path.length && secret.every((key, i) => key === path[i]));
  for (const token of tokens) {
    if (typeof token.raw === 'string' && isSecret(token.path)) ctx.warn(`a secret given with ${token.flag} is visible to other local users (ps); prefer --params @file or --params - (stdin)`);
  }
  if (inlineParams && secrets.some((path) => hasPath(inlineParams, path))) {
    ctx.warn('a secret given in --params on the command line is visible to other local users (ps); prefer --params @file or --params - (stdin)');
  }
}

/**
 * A flag that is neither an option nor a parameter, but close to an option (`--max-tme`), is an
 * option typo: reported as one, with a suggestion, and never sent as a parameter.
 */
function withoutOptionTypos(parsed: ParsedArgs, options: readonly OptionSpec[], flags: readonly ParamFlag[]): ParsedArgs {
  const paramNames = flags.map((flag) => flag.flag);
  const typos = parsed.params.filter((token) => token.known === undefined && closest(token.flag, options.map((spec) => spec.long)) !== undefined && closest(token.flag, paramNames) === undefined);
  if (typos.length === 0) return parsed;
  return { ...parsed, params: parsed.params.filter((token) => !typos.includes(token)), problems: [...parsed.problems, ...typos.map((token) => unknownOption(token.flag, options))] };
}

/** `oneoffice call --help`. */
export function callHelp(): string {
  return `Usage: oneoffice call <method> [--params <json|@file|->] [flags]

Calls any API method. Methods with a schema are validated (and accept their flags); a method
without one is sent unvalidated, with a warning on stderr.

Example:
  oneoffice call createUser --params '{"email":"test1@oneoffice.bh"}'

Flags:
${optionLines(CALL_OPTIONS).join('\n')}
`;
}
