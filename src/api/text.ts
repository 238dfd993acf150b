// Text files as Windows tools write them. Windows PowerShell 5.1's `>` and `Out-File` write UTF-16,
// which nothing here can read (a UTF-8 BOM, what its `Set-Content -Encoding UTF8` writes, is dropped
// by the JSON reader and the line reader). UTF-16 is recognised, so the message can say what to do.
// Works on the text as decoded as UTF-8 (a UTF-16 BOM decodes to two U+FFFD).

export const UTF16_ADVICE = 'is UTF-16 text (what Windows PowerShell writes with > or Out-File): save it as UTF-8, e.g. with Set-Content -Encoding utf8';

/** True when UTF-8-decoded text was really UTF-16: a UTF-16 BOM, or a NUL byte in the first character. */
export function isUtf16(text: string): boolean {
  return text.startsWith('\uFFFD\uFFFD') || (text.length >= 2 && (text[0] === '\0') !== (text[1] === '\0'));
}
