// `oneoffice completion bash|zsh|fish` prints a script for the shell; the script asks
// `oneoffice __complete <words...>` (tab.ts, answered by complete.ts) on every TAB, so methods from
// the user's schema directory, profiles and config keys are always current. Loaded only for this command.
import type { Deps } from './context.js';
import { ExitCode, UsageError } from '../api/errors.js';
import { fitHelp } from './help/wrap.js';

const BASH = `# oneoffice completion for bash (3.2 and later). Install (one of):
#   oneoffice completion bash > ~/.local/share/bash-completion/completions/oneoffice
#   echo 'source <(oneoffice completion bash)' >> ~/.bashrc
# What is typed so far, without its shell quoting (New\\ Yo, 'New Yo): in _oneoffice_plain.
_oneoffice_unquote() {
  local text=$1 j c q=""
  _oneoffice_plain=""
  for ((j = 0; j < \${#text}; j++)); do
    c=\${text:j:1}
    if [[ -n $q ]]; then
      if [[ $c == "$q" ]]; then q=""; else _oneoffice_plain+=$c; fi
    elif [[ $c == "\\\\" ]]; then
      ((j++)); _oneoffice_plain+=\${text:j:1}
    elif [[ $c == "'" || $c == '"' ]]; then
      q=$c
    else
      _oneoffice_plain+=$c
    fi
  done
}
_oneoffice() {
  local i word n=0 cword=\${COMP_CWORD} at=0 start typed=\${COMP_LINE:0:COMP_POINT}
  local -a words=()
  # bash splits words at COMP_WORDBREAKS (--name=value, junit:file, @file); oneoffice wants each
  # word whole: a piece that starts right where the one before it ended is glued back to it.
  for ((i = 0; i <= cword; i++)); do
    word=\${COMP_WORDS[i]}
    start=$at
    while [[ \${typed:start:1} == [[:space:]] ]]; do ((start++)); done
    if ((i > 0)); then
      if ((n > 0 && start == at)); then words[n-1]+=$word; else words[n]=$word; ((n++)); fi
    fi
    at=$((start + \${#word}))
  done
  ((n)) || { words[0]=""; n=1; }
  # bash replaces the piece under the cursor (nothing after a break like = or :); what comes
  # before it in the word (--name=, junit:) is left as it is.
  local breaks='=:@><;|&(' tail=\${COMP_WORDS[cword]}
  [[ -z \${tail//[$breaks]/} ]] && tail=""
  local head=\${words[n-1]%"$tail"}
  # An @ before it is replaced with it (one of readline's special prefixes).
  head=\${head%@}
  _oneoffice_unquote "$head"
  local prefix=$_oneoffice_plain
  # The word under the cursor as oneoffice reads it, without its quoting.
  _oneoffice_unquote "\${words[n-1]}"; words[n-1]=$_oneoffice_plain
  local cur=\${words[n-1]}
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
    # -o filenames: bash quotes the names it inserts.
    compopt -o filenames 2>/dev/null
    while IFS= read -r line; do COMPREPLY[\${#COMPREPLY[@]}]=$line; done < <(compgen $kind -- "\${cur#"$prefix"}")
    return 0
  fi
  for line in "\${lines[@]}"; do
    line=\${line%%$'\\t'*}
    [[ -n $line ]] || continue
    # Inserted as the shell reads it back: New York as New\\ York, $(...) as \\$\\(...\\), never run.
    printf -v line '%q' "\${line#"$prefix"}"
    COMPREPLY[\${#COMPREPLY[@]}]=$line
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

/** `completion <shell>` (argv: the words after `completion`); a TAB's `__complete` is cli/tab.ts. */
export function runCompletion(argv: readonly string[], deps: Deps): number {
  const operands = argv.filter((arg) => !arg.startsWith('-'));
  if (argv.includes('--help') || argv.includes('-h')) {
    deps.stdout.write(fitHelp(deps, completionHelp()));
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
  bash   dir=~/.local/share/bash-completion/completions
         mkdir -p "$dir" && oneoffice completion bash > "$dir/oneoffice"
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
