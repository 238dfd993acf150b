// Preloaded with --import: records every module URL the process loads into $TRACE_LOADS_FILE, so a
// test can tell which bundle chunks a command pulled in.
import { register } from 'node:module';

const hook = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(process.env.TRACE_LOADS_FILE)}, url + '\\n');
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
