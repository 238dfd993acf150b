// The man page oneoffice(1), rendered at build time from the specs the CLI's help is made of
// (scripts/man-data.ts: the registry of commands, the option tables, the method schemas, the
// exit-code table, the main help's examples and environment), as a real page: NAME, SYNOPSIS,
// DESCRIPTION, COMMANDS, METHODS, OPTIONS, EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES, SEE ALSO.
// Text is filled by man itself; only examples are preformatted, broken to fit 80 columns.

/** Source lines of a page stay within this many bytes (mandoc -T lint's style rule); man fills them. */
const SOURCE_WIDTH = 78;

/** Text as roff reads it literally (backslashes, minus signs and leading dots or quotes escaped), in source lines of at most SOURCE_WIDTH. */
export function roffText(text) {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .flatMap((line) => sourceLines(line))
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

/** `text` broken between words into lines of at most `width` characters, later lines starting with `continuation`. */
function breakBetweenWords(text, width, continuation = '') {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `${continuation}${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines;
}

/** One line of filled text as several source lines, broken between words. */
function sourceLines(line) {
  return breakBetweenWords(line, SOURCE_WIDTH);
}

/** Preformatted lines longer than this are broken with a shell continuation (the page is indented). */
const EXAMPLE_WIDTH = 66;

/** A shell command broken between words with " \" continuations, so it still runs as printed. */
export function breakCommand(command, width = EXAMPLE_WIDTH) {
  const lines = breakBetweenWords(command, width - 2, '  ');
  return lines.map((line, index) => (index < lines.length - 1 ? `${line} \\` : line));
}

/** One preformatted line, escaped as roffText does but never broken. */
function literalLine(line) {
  const escaped = line.replace(/\\/g, '\\e').replace(/-/g, '\\-');
  return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
}

function tagged(tag, text) {
  return ['.TP', tag, roffText(text)];
}

function option(entry) {
  return tagged(`.B ${roffText(entry.flags).replace(/ /g, '\\ ')}`, entry.description);
}

/**
 * @param {string} version
 * @param {string} date YYYY-MM-DD
 * @param {import('./man-data.ts').ManData} data
 */
export function manPage(version, date, data) {
  const lines = [
    `.TH ONEOFFICE 1 ${date} "oneoffice ${version}" "User Commands"`,
    '.SH NAME',
    "oneoffice \\- call OneOffice's marketplace API from the command line",
    '.SH SYNOPSIS',
    '.B oneoffice',
    '.I method',
    '.RI [ flags ]',
    ...data.commands.flatMap((command) => {
      const [name, ...operands] = command.usage.split(' ');
      return ['.br', `.B oneoffice ${roffText(name)}`, ...(command.takesOptions ? ['.RI [ options ]'] : []), ...(operands.length ? [`.I ${roffText(operands.join(' '))}`] : [])];
    }),
    '.SH DESCRIPTION',
    roffText(
      "oneoffice calls OneOffice's server-to-server marketplace API: an HTTP GET with a JSON body naming the method and its params, the token in an x-api-key header. Each API method is a command whose flags come from the method's schema; params are checked before anything is sent, and every problem is reported at once. Beside the methods, commands run many calls from a file (batch), run scenario files with expectations (test), run a local server for tests and demos (mock), check a setup end to end (doctor), and manage profiles in the config file (config).",
    ),
    '.PP',
    roffText('Data goes to standard output, messages to standard error; nothing prompts without a terminal, and tokens and secret params are masked in every request, message and error answer printed unless --show-secrets is given (a 2xx answer is the data asked for, written as it came).'),
    '.SH COMMANDS',
    ...data.commands.flatMap((command) => [
      `.SS ${roffText(command.usage)}`,
      roffText(command.description),
      ...command.subcommands.flatMap((sub) => tagged(`.B ${roffText(sub.usage).replace(/ /g, '\\ ')}`, sub.description)),
      ...(command.options.length ? ['.PP', 'Options:', ...command.options.flatMap(option)] : []),
    ]),
    '.SH METHODS',
    roffText('Each method is a command of its own; its params are flags (nested ones with dots: --admin.email), or JSON with --params. oneoffice METHOD --help shows them with examples.'),
    ...data.methods.flatMap((method) => [
      `.SS ${method.name}`,
      roffText(method.summary),
      ...method.flags.flatMap((flag) => tagged(`.B ${roffText(flag.flags).replace(/ /g, '\\ ')}`, `${flag.required ? '(required) ' : ''}${flag.description}`)),
    ]),
    '.SH OPTIONS',
    roffText('Flags of every method command and of call (batch and test take those that apply to them):'),
    ...data.callOptions.flatMap(option),
    '.PP',
    roffText('Options of every command:'),
    ...data.globalOptions.flatMap(option),
    '.TP',
    '.B \\-h, \\-\\-help',
    'show help',
    '.TP',
    '.B \\-V, \\-\\-version',
    'print the version',
    '.SH EXIT STATUS',
    ...data.exitCodes.flatMap((entry) => tagged(`.B ${entry.code}`, entry.meaning)),
    '.SH ENVIRONMENT',
    roffText(data.environmentIntro),
    ...data.environment.flatMap((entry) => tagged(`.B ${roffText(entry.names).replace(/ /g, '\\ ')}`, entry.meaning)),
    ...tagged('.B HTTPS_PROXY, HTTP_PROXY, NO_PROXY', 'the proxy for calls, and the hosts that bypass it (--proxy wins)'),
    ...tagged('.B NODE_EXTRA_CA_CERTS', 'more CA certificates to trust (see also --cacert)'),
    '.SH FILES',
    ...tagged('.I ~/.config/oneoffice/config.json', 'the config file on Linux and macOS ($XDG_CONFIG_HOME/oneoffice/config.json when XDG_CONFIG_HOME is set); %APPDATA%\\oneoffice\\Config\\config.json on Windows; ONEOFFICE_CONFIG or --config name another. oneoffice config path prints it. Written with mode 0600.'),
    '.SH EXAMPLES',
    ...data.examples.flatMap((example, index) => [
      // A paragraph between examples, not right after the heading (mandoc -T lint).
      ...(index > 0 ? ['.PP'] : []),
      ...(example.comment ? [roffText(`${example.comment}:`)] : []),
      '.RS 4',
      '.nf',
      ...breakCommand(example.command).map(literalLine),
      '.fi',
      '.RE',
    ]),
    '.SH SEE ALSO',
    '.BR curl (1),',
    '.BR jq (1)',
  ];
  return `${lines.join('\n')}\n`;
}
