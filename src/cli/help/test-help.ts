// `oneoffice test --help`.
import { optionLines } from './method-help.js';
import { TEST_CALL_OPTIONS, TEST_OWN_OPTIONS } from '../test-options.js';
import { ExitCode, exitCodeLines, type ExitCodeRow } from '../../api/errors.js';

/** The exit codes of `oneoffice test`, in its own words where they differ from a single call's. */
const TEST_EXIT_CODES: readonly ExitCodeRow[] = [
  { name: 'ok', meaning: 'every expectation held' },
  { name: 'unexpected', meaning: 'unexpected error (e.g. a report that could not be written at the end of the run)' },
  { name: 'usage', meaning: 'usage error, an invalid scenario or report path (nothing was sent)' },
  { name: 'config' },
  { name: 'network', meaning: 'a step got no answer: network error (DNS, refused, reset, TLS)' },
  { name: 'timeout', meaning: 'a step got no answer: timed out' },
  { name: 'expectation', meaning: 'an expectation failed (every step that ran got an answer)' },
  { name: 'output', meaning: 'output could not be written (stdout closed, full disk)' },
  { name: 'interrupted' },
  { name: 'terminated' },
  { name: 'hangup' },
  { name: 'break' },
];

export function testHelp(): string {
  return `Usage: oneoffice test [options] <file | dir>... [--glob <pattern>]...

Runs scenario files: YAML lists of API calls with expectations on their answers, for CI smoke
checks. Every file is checked first (YAML, keys, methods, params against the method's schema,
queries, variables); if anything is wrong, every problem is reported with its file, line and step
and nothing is sent (exit 2). Steps then run in order; a step whose expectation fails fails its
scenario and skips the rest of it; other files still run.

  name: onboarding                        # optional; defaults to the file name
  vars:                                   # {{ name }} in any string; run.id, env.NAME built in
    email: "smoke-{{ run.id }}@example.com"
  steps:
    - name: create the user               # optional; defaults to the method
      call: createUser
      params: { email: "{{ email }}" }
      expect:
        status: 200                       # default: any 2xx
        body:                             # JMESPath query on the answer: expected value
          email: "{{ email }}"            # plain value: equal (same JSON type)
          isActive: { equals: true }      # also matches, exists, type, lt, le, gt, ge, length;
                                          # a mapping holds only these (objects: { equals: {...} })
        duration: { lt: 500 }             # milliseconds
        schema: true                      # check the method's response schema, if it has one
      capture:
        userId: id                        # later steps use {{ userId }}
    - call: createUser
      params: { email: "{{ email }}" }
      expect: { status: 400, error: { matches: "duplicate key" } }   # error: the server's message
    - call: getUserByEmail
      params: { email: "{{ email }}" }
      retry-until: { interval: 500, timeout: 10000 }   # repeat until expect holds (ms)
      expect: { body: { id: "{{ userId }}" } }

A string that is one whole {{ name }} takes the variable's value, converted to the integer, number
or boolean the method's schema wants when its text converts exactly (--var inst=5). Each step's
params are checked again as filled (captured values too) just before it is sent; a problem fails
the step and nothing is sent. Whole numbers beyond 2^53 (in files, --vars-file or captures),
__proto__-like names and params over 1 MiB are refused, as for single calls. retry-until repeats
a step that got no answer only for methods marked idempotent, or when the call never left (a
create that timed out may have been made); interval 10 ms to a day, timeout up to a day. A 2xx
answer that is not JSON (or over 1 MiB) fails its step, as it fails a single call.

Editors: oneoffice test --print-schema prints a JSON Schema of scenario files (also in the package
as dist/scenario.schema.json) for a "# yaml-language-server: $schema=..." first line.

Output: one line per step with its time on a terminal, a character per step otherwise (. passed,
F failed, E no answer, S skipped); then every failure with the expectation, the actual value and
the exchange as -v shows it (token and secret params masked, in every form they take; bodies cut
at 4000 characters; terminal escapes from the server written out as \\u001b), and a summary.
When stderr is a terminal, a progress bar there (steps done of all, steps/s, failures, time
left), erased before the failures.

Reports (--report): JUnit in the shape Jenkins, GitLab, Azure and GitHub read (classname the file,
name the step's number and name), TAP 13 (prove reads it), JSON, HTML. A report path that is an
input (a scenario file, --vars-file), two reports on one path, or a path that cannot be written is
refused before anything is sent (exit 2). From the start of a run each report file says the run has
not finished; a run stopped by a signal writes what ran, marked incomplete (a JUnit error, a TAP
"Bail out!", "complete": false), and a refused run says it was refused.

Test options:
${optionLines(TEST_OWN_OPTIONS).join('\n')}

Flags of single calls, applied to every step (retries as for single calls):
${optionLines(TEST_CALL_OPTIONS).join('\n')}

Examples:
  oneoffice test smoke/ --report junit:smoke.xml --report html:smoke.html
  oneoffice test onboarding.yml --var customer=ACME-42 --vars-file staging.yml
  oneoffice test --glob 'smoke/**/*.yml' --jobs 4 --mock

Exit codes:
${exitCodeLines(TEST_EXIT_CODES).join('\n')}
A step without an answer (${ExitCode.network}, ${ExitCode.timeout}) wins over failed expectations (${ExitCode.expectation}).
`;
}
