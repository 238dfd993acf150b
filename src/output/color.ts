// One rule for colour everywhere: --no-color and NO_COLOR turn it off, FORCE_COLOR turns it on
// (FORCE_COLOR=0 off), otherwise colour only on a terminal.
import type { Env } from '../api/env.js';
import type { ChalkInstance } from 'chalk';
import type { JsonPalette } from './pretty-json.js';

export function useColor(stream: { isTTY?: boolean }, env: Env, noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  return stream.isTTY === true;
}

/** chalk, loaded only when colour is actually used; basic 16 colours, which every terminal has. */
export async function colors(): Promise<ChalkInstance> {
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 });
}

export async function jsonPalette(): Promise<JsonPalette> {
  const chalk = await colors();
  return { key: chalk.blue, string: chalk.green, number: chalk.cyan, literal: chalk.yellow };
}

export async function errorStyle(enabled: boolean): Promise<(text: string) => string> {
  return enabled ? (await colors()).red : (text) => text;
}
