# What zsh's completion offers for a command line, without a terminal: an interactive zsh on a
# pseudo-terminal (zsh/zpty) with compinit, the completion script sourced, and compadd wrapped to
# print each match it is given; TAB is typed after the line. After zsh-capture-completion (MIT).
# Usage: zsh -f zsh-capture.zsh <completion script file> <command line>
zmodload zsh/zpty || { echo 'error: no zsh/zpty' >&2; exit 1 }
zpty z zsh -f -i
local line
setopt rcquotes
() {
  zpty -w z source $1
  repeat 8; do
    zpty -r z line
    [[ $line == ok* ]] && return
  done
  echo 'error: the zsh under test did not start' >&2
  exit 2
} =( <<< '
PROMPT=
autoload -Uz compinit
compinit -u -D
bindkey ''^M'' undefined
bindkey ''^J'' undefined
bindkey ''^I'' complete-word
null-line () { echo -E - $''\0'' }
compprefuncs=( null-line )
comppostfuncs=( null-line exit )
zstyle '':completion:*'' list-grouped false
zstyle '':completion:*'' insert-tab false
zstyle '':completion:*'' list-separator ''''
compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return $?
  fi
  typeset -a __hits
  builtin compadd -A __hits "$@"
  [[ -n $__hits ]] || return
  local hit
  for hit in $__hits; do echo -E - "$IPREFIX$hit"; done
}
source '"$1"'
echo ok')
zpty -w z "$2"$'\t'
integer tog=0
while zpty -r z; do :; done | while IFS= read -r line; do
  if [[ $line == *$'\0\r' ]]; then
    (( tog++ )) && exit 0 || continue
  fi
  (( tog )) && echo -E - "${line%$'\r'}"
done
exit 2
