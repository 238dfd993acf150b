// Where `--report FORMAT:FILE` goes, checked before anything is sent, and what a report file holds
// while the run is not over. A report never overwrites an input (a scenario file, --vars-file), two
// reports never share a file, and `-` is stdout. From before the first step the file says the run
// has not finished, so a run that is killed, stopped by a signal or refused never leaves an older
// run's passing report behind: a stopped run writes what ran, marked incomplete; a refused one says
// it was refused. A missing folder is made (CI jobs write into out/ folders that do not exist yet).
import { accessSync, constants, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ExitCode, OneOfficeError, ValidationError } from '../api/errors.js';
import { makeDirs } from '../files/make-dirs.js';
import { formatReport, type ReportFormat } from './reports.js';
import type { ScenarioResult } from './runner.js';

export interface ReportTarget {
  format: ReportFormat;
  /** A path, or `-` for stdout. */
  file: string;
}

export const STDOUT_REPORT = '-';

/** What a report file holds from before the first step to the end of the run. */
export const NOT_FINISHED = 'the run has not finished: it is still running, or was killed';

/**
 * Every problem with where the reports go, found without touching a file, and the reports that
 * have none. `inputs` are the files the run reads, each with the words that name it.
 */
export function checkReportTargets(reports: readonly ReportTarget[], inputs: ReadonlyArray<{ path: string; what: string }>): { problems: string[]; usable: ReportTarget[] } {
  const problems: string[] = [];
  const usable: ReportTarget[] = [];
  const inputKeys = new Map(inputs.map((input) => [pathKey(input.path), input.what]));
  const seen = new Map<string, string>();
  for (const report of reports) {
    const flag = `--report ${report.format}:${report.file}`;
    const toStdout = report.file === STDOUT_REPORT;
    const key = toStdout ? STDOUT_REPORT : pathKey(report.file);
    const earlier = seen.get(key);
    const input = toStdout ? undefined : inputKeys.get(key);
    const unwritable = toStdout || earlier || input ? undefined : whyUnwritable(report.file);
    if (earlier) problems.push(`${flag}: ${toStdout ? 'stdout' : 'the same file'} as ${earlier}; one report per file`);
    else if (input) problems.push(`${flag}: is ${input}; a report would overwrite it`);
    else if (unwritable) problems.push(`${flag}: cannot write it (${unwritable})`);
    else usable.push(report);
    if (!earlier) seen.set(key, flag);
  }
  return { problems, usable };
}

/** The reports of one run: written through `write` (stdout for `-`), formatted with `redact`. */
export class ReportFiles {
  constructor(
    private readonly targets: readonly ReportTarget[],
    private readonly redact: (text: string) => string,
    private readonly stdout: (text: string) => void,
  ) {}

  /**
   * Before the first step: each file's folder made and the file saying the run has not finished.
   * The problems of files that cannot be written (nothing has been sent yet).
   */
  prepare(): string[] {
    const problems: string[] = [];
    for (const target of this.files()) {
      try {
        makeDirs(dirname(resolve(target.file)));
        writeFileSync(target.file, formatReport(target.format, [], this.redact, NOT_FINISHED));
      } catch (error) {
        problems.push(`--report ${target.format}:${target.file}: cannot write it (${errorCode(error)})`);
      }
    }
    return problems;
  }

  /** A run that did not finish: what ran, marked incomplete with the reason; stdout too, when something ran. */
  incomplete(results: readonly ScenarioResult[], reason: string): void {
    for (const target of this.targets) {
      if (target.file === STDOUT_REPORT && results.length === 0) continue;
      try {
        this.write(target, formatReport(target.format, results, this.redact, reason));
      } catch {
        // The run is already failing with its own error; the file still says the run has not finished.
      }
    }
  }

  /** The finished run's reports. Throws (E_REPORT) at the first that cannot be written. */
  finish(results: readonly ScenarioResult[]): void {
    for (const target of this.targets) {
      try {
        this.write(target, formatReport(target.format, results, this.redact));
      } catch (error) {
        throw new OneOfficeError(`--report ${target.format}:${target.file}: cannot write it (${errorCode(error)})`, 'E_REPORT', ExitCode.unexpected);
      }
    }
  }

  private write(target: ReportTarget, text: string): void {
    if (target.file === STDOUT_REPORT) this.stdout(text);
    else writeFileSync(target.file, text);
  }

  private files(): ReportTarget[] {
    return this.targets.filter((target) => target.file !== STDOUT_REPORT);
  }
}

/** Why the reports are incomplete, from the error that ended the run. */
export function stopReason(error: unknown): string {
  if (error instanceof ValidationError) return `refused (exit 2): ${error.problems.at(-1) ?? 'invalid'}`;
  if (error instanceof OneOfficeError) return `stopped (exit ${error.exitCode}): ${error.message.split('\n')[0]}`;
  return 'stopped by an unexpected error';
}

/** The files the run reads: a report must not overwrite one of them. `others`: each other file by the flag that named it. */
export function reportInputs(files: string[], others: Readonly<Record<string, string | undefined>>): Array<{ path: string; what: string }> {
  const inputs = files.map((file) => ({ path: file, what: `the scenario file ${file}` }));
  for (const [flag, path] of Object.entries(others)) if (path !== undefined) inputs.push({ path, what: `the ${flag} file` });
  return inputs;
}

/** One name per file: symlinks and `..` resolved where the file (or its folder) exists. */
function pathKey(path: string): string {
  const full = resolve(path);
  try {
    return realpathSync(full);
  } catch {
    try {
      return join(realpathSync(dirname(full)), basename(full));
    } catch {
      return full;
    }
  }
}

/** Why a report could not be written there (an error code), without writing it: the file, or the nearest folder that exists. */
function whyUnwritable(path: string): string | undefined {
  let at = resolve(path);
  let isFile = true;
  for (;;) {
    try {
      const stat = statSync(at);
      if (isFile && stat.isDirectory()) return 'EISDIR';
      if (!isFile && !stat.isDirectory()) return 'ENOTDIR';
      accessSync(at, constants.W_OK);
      return undefined;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT' || dirname(at) === at) return errorCode(error);
      at = dirname(at);
      isFile = false;
    }
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'EIO';
}
