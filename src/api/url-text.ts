// A URL as written: the URL parser (WHATWG) drops a tab or a line break inside it without a word,
// so `http://127.0.0.1:31<newline>28` would be used as port 3128. Such a URL is refused instead,
// wherever one is read (--url, the environment, the config file and `config set`, --proxy).

/**
 * Whether `text` holds a tab or line break inside it. At either end they are no problem (the parser
 * strips them there, with spaces and other control characters, as a CRLF file or `$(...)` leaves them).
 */
export function breaksInsideUrl(text: string): boolean {
  return /[\t\n\r]/.test(text.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, ''));
}

/** Why such a URL is refused, said after "not a valid URL". */
export const BREAK_INSIDE = 'it holds a tab or a line break, which would be dropped';
