// The CLI's edge for -H/--header: its lines are read here once, with the other flags, into the edits
// the call builder takes (api/request.ts never reads a line). Single calls, batch and test read it
// alike, so a bad line is one problem worded the same everywhere (api/header-lines.ts), naming the
// flag and the line's place, never its text (it is often a credential).
import { readHeaderLines, type HeaderEdit } from '../api/header-lines.js';
import type { ParsedArgs } from './args.js';

/** The -H lines as edits of the headers (none while a line is bad), and a problem per bad line. */
export function readHeaderFlag(options: ParsedArgs['options']): { headers: HeaderEdit[]; problems: string[] } {
  const lines = options['header'];
  const { edits, problems } = readHeaderLines(Array.isArray(lines) ? lines : []);
  return { headers: edits, problems };
}
