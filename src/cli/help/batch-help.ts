// `oneoffice batch --help`.
import { optionLines } from './method-help.js';
import { BATCH_CALL_OPTIONS, BATCH_OWN_OPTIONS } from '../batch-options.js';
import { ExitCode, exitCodeLines, type ExitCodeRow } from '../../api/errors.js';

/** Batch's exit codes, in its own words where they differ from a single call's. */
const BATCH_EXIT_CODES: readonly ExitCodeRow[] = [
  { name: 'ok', meaning: 'every call of this run succeeded, and no line is uncertain' },
  { name: 'usage', meaning: 'usage error, or invalid lines in the input (nothing was sent)' },
  { name: 'config' },
  {
    name: 'http4xx',
    label: `${ExitCode.http4xx}-${ExitCode.timeout}`,
    meaning: `some calls failed: the highest class among the failures, ${ExitCode.http4xx} (HTTP 4xx) < ${ExitCode.http5xx} (HTTP 5xx) < ${ExitCode.network} (network; uncertain lines count as this) < ${ExitCode.timeout} (timed out); with --stop-on-error, the class of the failure that stopped the batch. ${ExitCode.unexpected} if the only failures were unexpected ones (e.g. a 2xx answer that is not JSON)`,
  },
  { name: 'output', meaning: 'the results could not be written (stdout closed, full disk); the calls stopped' },
  { name: 'interrupted' },
  { name: 'terminated' },
  { name: 'hangup' },
  { name: 'break' },
];

export function batchHelp(): string {
  return `Usage: oneoffice batch <file | -> [--concurrency 8] [--results <file> [--resume [--retry-failed] [--retry-uncertain]]] [--method <name>] [--continue-on-error | --stop-on-error] [--rate <calls/s>] [flags]

Runs many API calls from a file (- reads stdin). Every line is checked first, with the same
checks and messages as single calls: if any line is invalid, all problems are listed with their
line numbers, nothing is sent, and the exit code is 2. Then the calls run, --concurrency at a
time over keep-alive connections, started in input order. With --concurrency above 1 a call may
start before the one above it has finished: use --concurrency 1 when lines depend on each other
(an order after its customer).

Input (blank lines and lines starting with # are skipped):
  NDJSON   one call per line in the API's own form (the default):
             {"method": "createUser", "params": {"email": "test1@oneoffice.bh"}}
           A line without "params" sends {}.
  CSV      with --method <name> (a file named *.csv needs it): a header row naming the params, one call per row. Dotted headers build nested objects (admin.email); headers may be written like flags (display-name) or like keys (displayName). Values are converted to the schema's types (licenses 20 is a number; is-active true/false, yes/no, on/off or 1/0 a boolean; object and array columns hold JSON). An empty cell leaves the param out; "" (quoted) sends an empty string. Fields follow RFC 4180: quote a field holding commas, quotes (doubled: "") or line breaks. Line numbers are where a row starts.

Results: one NDJSON record per input line (one line of compact JSON each; spaced and wrapped
here), in the order the calls complete, on stdout or appended to --results <file> as each
completes:
  {"line": 12, "method": "createUser", "status": 200, "ok": true, "time_starttransfer": 0.004113, "time_total": 0.004311, "body": {...}}
  {"line": 13, "method": "createUser", "status": 400, "ok": false, "code": "E_HTTP_4XX", "error": "<server message>", "time_starttransfer": ..., "time_total": ..., "body": "..."}
  {"line": 14, "method": "createUser", "status": null, "ok": false, "code": "E_CONNREFUSED", "error": "cannot connect to ...", "time_total": 0.000512}
  {"line": 15, "method": "createFirstOrder", "status": null, "ok": false, "uncertain": true, "code": "E_UNCERTAIN", "error": "..."}
"status" is null when no complete answer came; "attempts" is added when a call was retried;
"time_starttransfer" and "time_total" are seconds from the start of the call's last attempt to
the first byte and to the end of its answer (curl -w's names; calls share kept-alive connections,
so connection set-up is not a call's own); "body" is the answer's JSON (or its text when not
JSON). Params are never echoed.

Nothing lost, nothing twice: with --results, each line is marked in <file>.journal before its call
is sent, and its result is appended as soon as it arrives, so a batch killed at any moment (even
kill -9) loses at most the answers of the calls in flight (there is no fsync: a power cut may lose
the last records). Run the same command with --resume to continue: lines with a result are skipped,
and lines that were sent without a recorded answer are reported as "uncertain" (a record with
"uncertain":true and a list in the summary) and are not sent again, since a second
createFirstOrder could create a second order; --retry-uncertain sends them again. Lines whose
result was a failure are not sent again either, but they still count, in the summary and in the
exit code; --retry-failed sends exactly those again (never the uncertain ones). Without --resume,
a --results file that already holds a batch is refused.

The journal's first line records the input (name, size, SHA-256), --method and the URL the calls
go to, with a checksum. --resume refuses (exit 2, nothing sent) other input, another URL, and a
journal that is damaged: missing, emptied, cut, or edited; trusting it could send a line twice.

One batch per results file: <file>.lock is locked (by the OS, so even a killed batch lets go of it)
while a batch runs; a second one on the same file, even with --resume, stops at once with exit 3,
naming the process that holds it. Results and journal are created with mode 0600.

If the results cannot be written (stdout closed, as by | head; a full disk), no more calls are
started, those in flight finish, the summary on stderr says how many lines were not sent (and, with
--results, how to resume), and the exit code is ${ExitCode.output}.

Ctrl-C (or SIGTERM, SIGHUP from a closed terminal, Ctrl-Break on Windows) stops starting calls and
gives those in flight 5 seconds to finish (a second signal gives up at once); unfinished ones are
recorded as uncertain. The summary then says how to
resume: oneoffice batch <file> --results <file> --resume

When the server pushes back (429 Too Many Requests, or 503 with Retry-After), every call waits
until the Retry-After has passed, not only the one that got it; then calls go at the rate the
server was seen to accept, a little below it, and fewer at once, both growing again while it
accepts (--rate stays the ceiling). The calls turned away are sent again if --retry allows (it is
0 for creates: give --retry 5 against a rate-limited API; a 429 says nothing was done).

On a terminal, a progress bar (done/total, calls/s, failures so far, 429s, time left, or
"waiting 2 s (Retry-After)" during a pause) is redrawn five times a second on stderr; a summary
line (with the 429s received) is always printed on stderr at the end. Retry warnings name the line.

Batch options:
${optionLines(BATCH_OWN_OPTIONS).join('\n')}

Flags of single calls, applied to every call (retries as for single calls: --retry defaults to 0
for every method but reads, which get 2; -H, --url, --bearer and the rest as usual):
${optionLines(BATCH_CALL_OPTIONS).join('\n')}
Not available in batch: --params, -v/--verbose, --curl, --show-secrets, --query, --no-validate,
-w/--write-out (each record carries the status and timings).

Examples:
  oneoffice batch users.ndjson --results users.results.ndjson
  oneoffice batch users.csv --method createUser --concurrency 16 --rate 100
  generate-calls | oneoffice batch - > results.ndjson
  oneoffice batch users.ndjson --results users.results.ndjson --resume
  oneoffice batch users.ndjson --results users.results.ndjson --resume --retry-failed

Exit codes:
${exitCodeLines(BATCH_EXIT_CODES).join('\n')}
With --resume, lines skipped because they already failed count as they did then.
`;
}
