// The doctor's report, as text for a person (one line per check: status, name, what was found,
// what to do) or as JSON for scripts. Pure: checks in, text out; colour is passed in.
import type { Check, CheckStatus } from './checks.js';

export interface Paint {
  ok(text: string): string;
  warn(text: string): string;
  fail(text: string): string;
  skip(text: string): string;
}

const PLAIN: Paint = { ok: String, warn: String, fail: String, skip: String };
const NAME_WIDTH = 10;

export function formatChecks(checks: readonly Check[], paint: Paint = PLAIN): string {
  const lines = checks.map((check) => {
    const status = paint[check.status](check.status.padEnd(4));
    const hint = check.hint ? ` -> ${check.hint}` : '';
    return `${status}  ${check.name.padEnd(NAME_WIDTH)} ${check.detail}${hint}`;
  });
  const counts = (['fail', 'warn'] as CheckStatus[]).map((status) => [status, checks.filter((check) => check.status === status).length] as const);
  const failed = counts[0]?.[1] ?? 0;
  const warned = counts[1]?.[1] ?? 0;
  const summary = failed ? `${failed} check${failed === 1 ? '' : 's'} failed${warned ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}` : warned ? `all checks passed, ${warned} warning${warned === 1 ? '' : 's'}` : 'all checks passed';
  return `${lines.join('\n')}\n${summary}\n`;
}

export function formatChecksJson(checks: readonly Check[], exitCode: number): string {
  return `${JSON.stringify({ ok: exitCode === 0, exitCode, checks })}\n`;
}
