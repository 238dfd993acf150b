// POSIX shell quoting: a word is left bare only when it holds nothing a shell would interpret;
// otherwise it is single-quoted, with each ' written as '\'' (valid in sh, bash, zsh).
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(word: string): string {
  if (word !== '' && SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
