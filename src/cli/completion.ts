// `oneoffice completion bash|zsh|fish` prints a script for the shell; the script asks
// `oneoffice __complete <words...>` (complete.ts) on every TAB, so methods from the user's schema
// directory, profiles and config keys are always current. Loaded only for these two commands.
import type { Deps } from './context.js';
import { ExitCode, UsageError } from '../api/errors.js';
import { complete, formatCompletion } from './complete.js';

const BASH = `# oneoffice completion for bash (3.2 and later). Install (one of):
#   oneoffice completion bash > ~/.local/share/bash-completion/completions/oneoffice
#   echo 'source <(oneoffice completion bash)' >> ~/.bashrc
_oneoffice() {
  local i word glue=0 n=0 cword=\${COMP_CWORD}
  local -a words=()
  # bash splits --name=value at the = (COMP_WORDBREAKS); oneoffice wants the word whole.
  for ((i = 1; i <= cword; i++)); do
    word=\${COMP_WORDS[i]}
    if [[ $word == "=" && $n -gt 0 && \${words[n-1]} == --* ]]; then
      words[n-1]+="="; glue=1; continue
    fi
    if ((glue)); then words[n-1]+="$word"; glue=0; continue; fi
    words[n]=$word; ((n++))
  done
  ((n)) || { words[0]=""; n=1; }
  local cur=\${words[n-1]} prefix=""
  # What bash replaces is the text after the =, so the candidates lose the --name= part.
  if [[ $cur == --*=* && ( \${COMP_WORDS[cword]} == "=" || \${COMP_WORDS[cword-1]} == "=" ) ]]; then prefix=\${cur%%=*}=; fi
  local out line directive=0
  out=$(oneoffice __complete "\${words[@]}" 2>/dev/null) || return 0
  local -a lines=()
  while IFS= read -r line; do lines[\${#lines[@]}]=$line; done <<<"$out"
  if ((\${#lines[@]})); then
    directive=\${lines[\${#lines[@]}-1]#:}
    unset "lines[\${#lines[@]}-1]"
  fi
  COMPREPLY=()
  if ((directive & 6)); then
    local kind=-f
    ((directive & 4)) && kind=-d
    compopt -o filenames 2>/dev/null
    while IFS= read -r line; do COMPREPLY[\${#COMPREPLY[@]}]=$line; done < <(compgen $kind -- "\${cur#"$prefix"}")
    return 0
  fi
  for line in "\${lines[@]}"; do
    line=\${line%%$'\\t'*}
    [[ -n $line ]] && COMPREPLY[\${#COMPREPLY[@]}]=\${line#"$prefix"}
  done
  if ((directive & 1)); then compopt -o nospace 2>/dev/null; fi
  return 0
}
complete -F _oneoffice oneoffice
`;

const ZSH = `#compdef oneoffice
# oneoffice completion for zsh. Install (one of):
#   oneoffice completion zsh > ~/.zfunc/_oneoffice   # with fpath=(~/.zfunc $fpath) before compinit
#   echo 'source <(oneoffice completion zsh)' >> ~/.zshrc     # after compinit
_oneoffice() {
  local out directive line
  local -a lines candidates
  out=$(oneoffice __complete "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  lines=("\${(@f)out}")
  directive=\${lines[-1]#:}
  lines=("\${(@)lines[1,-2]}")
  if (( directive & 2 )); then _files; return; fi
  if (( directive & 4 )); then _files -/; return; fi
  for line in "\${lines[@]}"; do
    [[ -z $line ]] && continue
    # _describe wants value:description, with the value's own colons escaped.
    if [[ $line == *$'\\t'* ]]; then candidates+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}")
    else candidates+=("\${line//:/\\\\:}"); fi
  done
  if (( directive & 1 )); then _describe -t values 'oneoffice' candidates -S ''
  else _describe -t values 'oneoffice' candidates; fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _oneoffice "$@"; else compdef _oneoffice oneoffice; fi
`;

const FISH = `# oneoffice completion for fish. Install:
#   oneoffice completion fish > ~/.config/fish/completions/oneoffice.fish
function __oneoffice_complete
    set -l words (commandline -opc)[2..-1] (commandline -ct)
    set -l lines (oneoffice __complete $words 2>/dev/null)
    or return
    set -l directive (string replace ':' '' -- $lines[-1])
    set -e lines[-1]
    if contains -- "$directive" 2 3 6 7
        __fish_complete_path (commandline -ct)
        return
    end
    if contains -- "$directive" 4 5 6 7
        __fish_complete_directories (commandline -ct)
        return
    end
    printf '%s\\n' $lines
end
complete -c oneoffice -f -a '(__oneoffice_complete)'
`;

// PowerShell cannot run here: this script is tested by its text only (README, "What is tested where").
const POWERSHELL = `# oneoffice completion for PowerShell (Windows PowerShell 5.1 and PowerShell 7). Install:
#   oneoffice completion powershell >> $PROFILE
#   (or for this session only:  oneoffice completion powershell | Out-String | Invoke-Expression)
Register-ArgumentCompleter -Native -CommandName 'oneoffice', 'oneoffice.exe', 'oneoffice.cmd' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    # The words after "oneoffice" up to the cursor, the last one the word under it (maybe empty),
    # each with a "." in front: Windows PowerShell drops an empty argument to a program.
    # A quoted word goes as its value ('New York' as New York).
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | Where-Object { $_.Extent.StartOffset -lt $cursorPosition } | ForEach-Object {
        if ($_ -is [System.Management.Automation.Language.StringConstantExpressionAst]) { '.' + $_.Value } else { '.' + $_.Extent.Text }
    })
    if ($wordToComplete -eq '') { $words += '.' }
    $lines = @(oneoffice __complete --dotted @words 2>$null)
    if ($lines.Count -eq 0) { return }
    $directive = [int]($lines[-1].TrimStart(':'))
    # File or directory names: PowerShell's own completion does them.
    if ($directive -band 6) { return }
    foreach ($line in ($lines | Select-Object -SkipLast 1)) {
        if ($line -eq '') { continue }
        $value, $description = $line -split "\`t", 2
        # Inserted quoted when PowerShell would read it otherwise (@ splats, $ expands, spaces split).
        $text = if ($value -match '[\\s$\`''"();{}@,|&<>#]') { "'" + $value.Replace("'", "''") + "'" } else { $value }
        if (-not $description) { $description = $value }
        [System.Management.Automation.CompletionResult]::new($text, $value, 'ParameterValue', $description)
    }
}
`;

export const SCRIPTS: Record<string, string> = { bash: BASH, zsh: ZSH, fish: FISH, powershell: POWERSHELL };
const SHELL_NAMES = 'bash, zsh, fish or powershell';

/** `completion <shell>` (argv: the words after `completion`) or `__complete <words...>`. */
export function runCompletion(kind: 'script' | 'complete', argv: readonly string[], deps: Deps): number {
  if (kind === 'complete') {
    // `--dotted`: every word has a "." in front (the PowerShell script's way to pass empty ones).
    const words = argv[0] === '--dotted' ? argv.slice(1).map((word) => word.slice(1)) : argv;
    deps.stdout.write(formatCompletion(complete(words, deps.env, '.')));
    return ExitCode.ok;
  }
  const operands = argv.filter((arg) => !arg.startsWith('-'));
  if (argv.includes('--help') || argv.includes('-h')) {
    deps.stdout.write(completionHelp());
    return ExitCode.ok;
  }
  const [shell, ...extra] = operands;
  if (shell === undefined) throw new UsageError(`completion: which shell? ${SHELL_NAMES} (see oneoffice completion --help)`);
  if (extra.length) throw new UsageError(`completion: unexpected argument ${JSON.stringify(extra[0])}`);
  const script = SCRIPTS[shell];
  if (!script) throw new UsageError(`completion: no completion for ${JSON.stringify(shell)}: ${SHELL_NAMES}`);
  deps.stdout.write(script);
  return ExitCode.ok;
}

export function completionHelp(): string {
  return `Usage: oneoffice completion bash|zsh|fish|powershell

Prints the shell completion script: TAB then completes commands, methods (your schema directory's
too), every flag of the command at hand, allowed values (--product, --duration, true/false),
profile names, config keys, and file names (also after --params @).

Install:
  bash   mkdir -p ~/.local/share/bash-completion/completions
         oneoffice completion bash > ~/.local/share/bash-completion/completions/oneoffice
         (or add to ~/.bashrc:  source <(oneoffice completion bash))
  zsh    mkdir -p ~/.zfunc && oneoffice completion zsh > ~/.zfunc/_oneoffice
         and in ~/.zshrc, before compinit:  fpath=(~/.zfunc $fpath)
         (or add to ~/.zshrc after compinit:  source <(oneoffice completion zsh))
  fish   oneoffice completion fish > ~/.config/fish/completions/oneoffice.fish
  PowerShell (5.1 and 7; its script calls oneoffice.exe or the npm shim on PATH)
         oneoffice completion powershell >> $PROFILE
         (or for this session:  oneoffice completion powershell | Out-String | Invoke-Expression)

Options:
  -h, --help  show this help
`;
}
