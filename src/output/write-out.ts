// -w/--write-out as curl has it: a format with %{variable}s written after the body (also when the
// call failed), so a script reads the status or the timings without parsing stderr. The format is
// read and checked before anything is sent; rendering is a pure function of the call's facts.
import { readFileSync } from 'node:fs';
import type { TimingName } from '../http/timings.js';

export const WRITE_OUT_VARIABLES = [
  'http_code', 'response_code', 'time_namelookup', 'time_connect', 'time_appconnect', 'time_starttransfer', 'time_total',
  'size_download', 'num_retries', 'exitcode', 'errormsg', 'url', 'json', 'stdout', 'stderr',
] as const;
type Variable = (typeof WRITE_OUT_VARIABLES)[number];

export type WriteOutPart = { text: string } | { variable: Variable };
export type WriteOutFormat = WriteOutPart[];

export interface WriteOutFacts {
  /** 0 without an answer. */
  httpCode: number;
  timings: Array<[TimingName, number]>;
  sizeDownload: number;
  numRetries: number;
  exitCode: number;
  /** Empty when the call succeeded. */
  errorMessage: string;
  url: string;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\' };

/** The format from the flag (`@file` reads it from a file), or the problems found in it. */
export function parseWriteOut(flag: string): { format: WriteOutFormat } | { problems: string[] } {
  let text = flag;
  if (flag.startsWith('@')) {
    const path = flag.slice(1);
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      return { problems: [`--write-out: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`] };
    }
  }
  const format: WriteOutFormat = [];
  const problems: string[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\\' && i + 1 < text.length && ESCAPES[text[i + 1] as string] !== undefined) {
      literal += ESCAPES[text[++i] as string];
    } else if (char === '%' && text[i + 1] === '%') {
      literal += '%';
      i++;
    } else if (char === '%' && text[i + 1] === '{') {
      const end = text.indexOf('}', i);
      const name = end === -1 ? text.slice(i + 2) : text.slice(i + 2, end);
      if (end === -1 || !(WRITE_OUT_VARIABLES as readonly string[]).includes(name)) {
        problems.push(`--write-out: unknown variable %{${name}}${end === -1 ? ' (no closing })' : ''} (known: ${WRITE_OUT_VARIABLES.join(', ')})`);
        if (end === -1) break;
      } else {
        if (literal) format.push({ text: literal });
        literal = '';
        format.push({ variable: name as Variable });
      }
      i = end;
    } else {
      literal += char;
    }
  }
  if (literal) format.push({ text: literal });
  return problems.length ? { problems } : { format };
}

/** The values as %{json} has them (numbers as numbers, no error as null). */
export function writeOutJson(facts: WriteOutFacts): Record<string, string | number | null> {
  return {
    http_code: facts.httpCode,
    response_code: facts.httpCode,
    ...Object.fromEntries(facts.timings.map(([name, seconds]) => [name, round(seconds)])),
    size_download: facts.sizeDownload,
    num_retries: facts.numRetries,
    exitcode: facts.exitCode,
    errormsg: facts.errorMessage === '' ? null : facts.errorMessage,
    url: facts.url,
  };
}

/** The text for each stream, in the order written: %{stderr} and %{stdout} switch between them. */
export function renderWriteOut(format: WriteOutFormat, facts: WriteOutFacts): Array<{ stream: 'stdout' | 'stderr'; text: string }> {
  const out: Array<{ stream: 'stdout' | 'stderr'; text: string }> = [];
  let stream: 'stdout' | 'stderr' = 'stdout';
  let text = '';
  const flush = () => {
    if (text) out.push({ stream, text });
    text = '';
  };
  for (const part of format) {
    if ('text' in part) {
      text += part.text;
      continue;
    }
    if (part.variable === 'stdout' || part.variable === 'stderr') {
      flush();
      stream = part.variable;
      continue;
    }
    text += value(part.variable, facts);
  }
  flush();
  return out;
}

function value(variable: Exclude<Variable, 'stdout' | 'stderr'>, facts: WriteOutFacts): string {
  switch (variable) {
    case 'http_code':
    case 'response_code':
      return String(facts.httpCode).padStart(3, '0');
    case 'size_download':
      return String(facts.sizeDownload);
    case 'num_retries':
      return String(facts.numRetries);
    case 'exitcode':
      return String(facts.exitCode);
    case 'errormsg':
      return facts.errorMessage;
    case 'url':
      return facts.url;
    case 'json':
      return JSON.stringify(writeOutJson(facts));
    default:
      return (facts.timings.find(([name]) => name === variable)?.[1] ?? 0).toFixed(6);
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
