// Text from a server (a reason phrase, an error message) shown on a terminal: control characters
// (escape sequences, carriage returns) are written out as \u001b and so on, never obeyed.
const CONTROLS = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

export function visibleControls(text: string): string {
  return text.replace(CONTROLS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
