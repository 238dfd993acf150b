// Why JSON.parse failed, in words that never repeat the input: V8 quotes the text it could not
// parse ("...", "<text>" is not valid JSON), and that text may hold a token or a password.

/** V8's reason without the quoted text or the position, and the 0-based offset where it broke. */
export function jsonErrorReason(error: unknown): { reason: string; offset?: number } {
  const message = (error as Error).message;
  const position = /at position (\d+)/.exec(message);
  const reason = message.replace(/, ".*" is not valid JSON$/s, '').replace(/ (in JSON )?at position \d+.*$/s, '');
  return position ? { reason, offset: Number(position[1]) } : { reason };
}

/** JSON.parse with the failure given as a reason plus line and column. */
export function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const { reason, offset } = jsonErrorReason(error);
    if (offset === undefined) return { error: reason };
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    return { error: `${reason} at line ${line} column ${column}` };
  }
}
