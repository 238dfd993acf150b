// The man page oneoffice(1), made at build time from the same help text the CLI prints (--help,
// each method's --help, batch, mock and completion), so the two never disagree. The help text is
// laid out for a terminal already; the page keeps that layout in no-fill blocks.

/** Text as roff reads it literally: backslashes, minus signs and leading dots or quotes escaped. */
export function roffText(text) {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

function block(text) {
  return `.nf\n${roffText(text.replace(/\n+$/, ''))}\n.fi`;
}

/**
 * @param {string} version
 * @param {{ main: string, methods: Array<[string, string]>, commands: Array<[string, string]> }} help
 */
export function manPage(version, help) {
  const sections = [
    `.TH ONEOFFICE 1 "" "oneoffice ${version}" "User Commands"`,
    '.SH NAME',
    "oneoffice \\- call OneOffice's marketplace API from the command line",
    '.SH SYNOPSIS',
    '.B oneoffice',
    '.I method',
    '[\\fIflags\\fR]',
    '.br',
    '.B oneoffice',
    '.I command',
    '[\\fIoptions\\fR]',
    '.SH DESCRIPTION',
    block(help.main),
    '.SH METHODS',
    ...help.methods.flatMap(([name, text]) => [`.SS ${name}`, block(text)]),
    ...help.commands.flatMap(([name, text]) => [`.SH ${name.toUpperCase()}`, block(text)]),
    '.SH SEE ALSO',
    '.BR curl (1)',
  ];
  return `${sections.join('\n')}\n`;
}
