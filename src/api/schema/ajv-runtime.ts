// ESM stand-ins for the ajv runtime helpers that ajv's standalone code `require`s, so the
// compiled-ahead validators need neither CommonJS interop nor ajv itself at run time.

/** String length in Unicode code points, as ajv's ucs2length counts for minLength/maxLength. */
export function ucs2length(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}
