// Placeholder until batch lands (issue 6).
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

export async function runBatchCommand(_ctx: Context, _argv: readonly string[]): Promise<number> {
  throw new UsageError('batch: not built yet');
}
