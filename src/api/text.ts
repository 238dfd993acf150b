// Text files as Windows tools write them. PowerShell 5.1's `Set-Content -Encoding UTF8` starts a
// file with a byte order mark, which JSON.parse rejects; its `>` and `Out-File` write UTF-16, which
// nothing here can read. A BOM is dropped; UTF-16 is recognised, so the message can say what to do.
// Works on the text as decoded as UTF-8 (a UTF-16 BOM decodes to two U+FFFD).

const BOM = '\uFEFF';

export const UTF16_ADVICE = 'is UTF-16 text (what Windows PowerShell writes with > or Out-File): save it as UTF-8, e.g. with Set-Content -Encoding utf8';

/** True when UTF-8-decoded text was really UTF-16: a UTF-16 BOM, or NUL bytes in the first character. */
export function isUtf16(text: string): boolean {
  return text.startsWith('\uFFFD\uFFFD') || (text.length >= 2 && (text[0] === '\0') !== (text[1] === '\0'));
}

export function withoutBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/** The text ready to parse, or the problem (UTF-16), to be prefixed with the file's name. */
export function readableText(text: string): { text: string } | { problem: string } {
  return isUtf16(text) ? { problem: UTF16_ADVICE } : { text: withoutBom(text) };
}
