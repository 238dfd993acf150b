// The values of -w's variables, as curl writes them: the same names, the same text for each (times
// in seconds with six decimals, 000 for no answer), and %{json} with curl's keys in curl's order
// (sorted), times written as curl writes them (0.001234, never 0 that a reader takes for an
// integer). Pure: the call's facts in, text out.
import type { TimingName } from '../http/timings.js';

export const WRITE_OUT_VARIABLES = [
  'http_code', 'response_code', 'time_namelookup', 'time_connect', 'time_appconnect', 'time_pretransfer', 'time_redirect',
  'time_starttransfer', 'time_total', 'size_download', 'size_header', 'size_request', 'size_upload', 'speed_download',
  'speed_upload', 'num_retries', 'num_connects', 'num_redirects', 'num_headers', 'exitcode', 'errormsg', 'url',
  'url_effective', 'redirect_url', 'method', 'scheme', 'content_type', 'http_version', 'remote_ip', 'remote_port',
  'local_ip', 'local_port', 'ssl_verify_result', 'header_json', 'json', 'stdout', 'stderr',
] as const;
export type Variable = (typeof WRITE_OUT_VARIABLES)[number];

type Part = { text: string } | { variable: Variable } | { header: string };

export interface WriteOutFacts {
  /** 0 without an answer. */
  httpCode: number;
  timings: Array<[TimingName, number]>;
  /** Seconds from the start to the connection being ready to send on; 0 without one. */
  timePretransfer: number;
  sizeDownload: number;
  numRetries: number;
  exitCode: number;
  /** Empty when the call succeeded. */
  errorMessage: string;
  /** As given (password masked). */
  url: string;
  /** As used (password masked). */
  urlEffective: string;
  /** Where a 3xx answer's Location points, resolved against the URL used (password masked); absent otherwise. */
  redirectUrl?: string;
  method: string;
  /** 'HTTP' or 'HTTPS', as curl names it. */
  scheme: string;
  /** Of the last attempt; absent when no connection was made. */
  remote?: { ip: string; port: number };
  local?: { ip: string; port: number };
  /** '1.1', or absent without an answer. */
  httpVersion?: string;
  /** The answer's headers, names in lower case, in the order they came; empty without an answer. */
  headers: Record<string, string | string[] | undefined>;
  sizeHeader: number;
  sizeRequest: number;
  sizeUpload: number;
  numConnects: number;
}

/** A JSON number written with six decimals, as curl writes its times. */
class Seconds {
  constructor(readonly value: number) {}
}
type JsonValue = string | number | null | Seconds;

/** The values as %{json} has them, keys sorted as curl sorts them. */
export function writeOutJson(facts: WriteOutFacts): Array<[string, JsonValue]> {
  const answered = facts.httpVersion !== undefined;
  const entries: Array<[string, JsonValue]> = [
    ['content_type', contentType(facts) ?? null],
    ['errormsg', facts.errorMessage === '' ? null : facts.errorMessage],
    ['exitcode', facts.exitCode],
    ['http_code', facts.httpCode],
    ['http_version', answered ? (facts.httpVersion as string) : '0'],
    ['local_ip', facts.local?.ip ?? ''],
    ['local_port', facts.local?.port ?? 0],
    ['method', facts.method],
    ['num_connects', facts.numConnects],
    ['num_headers', numHeaders(facts)],
    ['num_redirects', 0],
    ['num_retries', facts.numRetries],
    ['redirect_url', facts.redirectUrl ?? null],
    ['remote_ip', facts.remote?.ip ?? ''],
    ['remote_port', facts.remote?.port ?? 0],
    ['response_code', facts.httpCode],
    ['scheme', facts.remote ? facts.scheme : null],
    ['size_download', facts.sizeDownload],
    ['size_header', facts.sizeHeader],
    ['size_request', facts.sizeRequest],
    ['size_upload', facts.sizeUpload],
    ['speed_download', speed(facts.sizeDownload, facts)],
    ['speed_upload', speed(facts.sizeUpload, facts)],
    ['ssl_verify_result', 0],
    ...facts.timings.map(([name, seconds]): [string, JsonValue] => [name, new Seconds(seconds)]),
    ['time_pretransfer', new Seconds(facts.timePretransfer)],
    ['time_redirect', new Seconds(0)],
    ['url', facts.url],
    ['url_effective', facts.urlEffective],
  ];
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The text for each stream, in the order written: %{stderr} and %{stdout} switch between them. */
export function renderWriteOut(format: readonly Part[], facts: WriteOutFacts): Array<{ stream: 'stdout' | 'stderr'; text: string }> {
  const out: Array<{ stream: 'stdout' | 'stderr'; text: string }> = [];
  let stream: 'stdout' | 'stderr' = 'stdout';
  let text = '';
  const flush = () => {
    if (text) out.push({ stream, text });
    text = '';
  };
  for (const part of format) {
    if ('text' in part) text += part.text;
    else if ('header' in part) text += firstValue(facts.headers[part.header]) ?? '';
    else if (part.variable === 'stdout' || part.variable === 'stderr') {
      flush();
      stream = part.variable;
    } else text += value(part.variable, facts);
  }
  flush();
  return out;
}

function value(variable: Exclude<Variable, 'stdout' | 'stderr'>, facts: WriteOutFacts): string {
  switch (variable) {
    case 'http_code':
    case 'response_code':
      return String(facts.httpCode).padStart(3, '0');
    case 'errormsg':
      return facts.errorMessage;
    case 'json':
      return `{${writeOutJson(facts).map(([key, field]) => `${JSON.stringify(key)}:${field instanceof Seconds ? field.value.toFixed(6) : JSON.stringify(field)}`).join(',')}}`;
    case 'header_json':
      return headerJson(facts.headers);
    case 'time_pretransfer':
      return facts.timePretransfer.toFixed(6);
    case 'time_redirect':
      return (0).toFixed(6);
    case 'time_namelookup':
    case 'time_connect':
    case 'time_appconnect':
    case 'time_starttransfer':
    case 'time_total':
      return (facts.timings.find(([name]) => name === variable)?.[1] ?? 0).toFixed(6);
    default: {
      const field = writeOutJson(facts).find(([key]) => key === variable)?.[1];
      return field === null || field === undefined ? '' : String(field);
    }
  }
}

/** curl's %{header_json}: each name once (lower case) with all its values, one name a line. */
function headerJson(headers: WriteOutFacts['headers']): string {
  const lines = Object.entries(headers)
    .filter(([, values]) => values !== undefined)
    .map(([name, values]) => `${JSON.stringify(name)}:${JSON.stringify(Array.isArray(values) ? values : [values])}`);
  return `{${lines.join(',\n')}\n}`;
}

function firstValue(values: string | string[] | undefined): string | undefined {
  return Array.isArray(values) ? values[0] : values;
}

function contentType(facts: WriteOutFacts): string | undefined {
  return firstValue(facts.headers['content-type']);
}

function numHeaders(facts: WriteOutFacts): number {
  return Object.values(facts.headers).reduce<number>((count, values) => count + (values === undefined ? 0 : Array.isArray(values) ? values.length : 1), 0);
}

/** Bytes a second over the whole call, whole numbers as curl writes them. */
function speed(bytes: number, facts: WriteOutFacts): number {
  const total = facts.timings.find(([name]) => name === 'time_total')?.[1] ?? 0;
  return total > 0 ? Math.floor(bytes / total) : 0;
}
