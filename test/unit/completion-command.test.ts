// `oneoffice completion` and `oneoffice __complete` as text: the scripts' messages and help, the
// PowerShell script (PowerShell does not run here) and the lines the scripts read, from main() in
// this process. The scripts running in bash, zsh and fish are test/e2e/completion.test.ts.
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';

const run = (argv: string[]) => runMain(argv, isolatedEnv());

describe('oneoffice completion', () => {
  it('names the shells it knows when given another', async () => {
    const result = await run(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('oneoffice: completion: no completion for "tcsh": bash, zsh, fish or powershell\n');
    expect(result.stdout).toBe('');
  });

  it('says how to install each script in its --help', async () => {
    const result = await run(['completion', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  bash   dir=~/.local/share/bash-completion/completions\n         mkdir -p "$dir" && oneoffice completion bash > "$dir/oneoffice"\n');
    expect(result.stdout).toContain('oneoffice completion fish > ~/.config/fish/completions/oneoffice.fish');
  });

  it('prints a PowerShell script that registers a native argument completer asking oneoffice __complete', async () => {
    // PowerShell does not run here: its text is what can be tested.
    const result = await run(['completion', 'powershell']);
    expect(result.code).toBe(0);
    const script = result.stdout;
    expect(script).toContain("Register-ArgumentCompleter -Native -CommandName 'oneoffice', 'oneoffice.exe', 'oneoffice.cmd' -ScriptBlock {");
    expect(script).toContain('param($wordToComplete, $commandAst, $cursorPosition)');
    expect(script).toContain('$lines = @(oneoffice __complete --dotted @words 2>$null)');
    expect(script).toContain("[System.Management.Automation.CompletionResult]::new($text, $value, 'ParameterValue', $description)");
    // A value PowerShell would read as something else (@ splats, $ expands) goes in single quotes, ' doubled.
    expect(script).toContain(`$text = if ($value -match '[\\s$\`''"();{}@,|&<>#]') { "'" + $value.Replace("'", "''") + "'" } else { $value }`);
    // Braces balance, and no text of ours was interpolated into it.
    expect(script.split('{').length).toBe(script.split('}').length);
    expect(script).not.toContain('${');
  });

  it('reads the words of the PowerShell script, each with a dot in front, the empty one included', async () => {
    const plain = await run(['__complete', 'createFirstOrder', '--duration', '']);
    const dotted = await run(['__complete', '--dotted', '.createFirstOrder', '.--duration', '.']);
    expect(dotted.stdout).toBe('monthly\nyearly\n:0\n');
    expect(dotted.stdout).toBe(plain.stdout);
  });

  it('answers __complete with value<TAB>description lines and a directive line', async () => {
    const result = await run(['__complete', 'createFirstOrder', '--dur']);
    expect(result.stdout).toBe('--duration\t(required) Billing period.\n:0\n');
    expect(result.code).toBe(0);
  });
});
