// Placeholder until the local server lands (issue 3).
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

export async function runMockCommand(_ctx: Context, _argv: readonly string[]): Promise<number> {
  throw new UsageError('mock: not built yet');
}
