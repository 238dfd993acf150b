// Types of build-inputs.mjs, for the tests' global setup that imports it.
export interface BuildInputs {
  manDate: string;
  files: Record<string, string>;
}
/** Every function works on the repository it lives in unless given another root (tests). */
export function manDate(root?: string): string;
export function buildInputs(root?: string): BuildInputs;
export function clearStamp(root?: string): void;
export function writeStamp(inputs: BuildInputs, root?: string): void;
export function staleReason(inputs?: BuildInputs, root?: string): string | undefined;
