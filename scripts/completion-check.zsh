# Types "dialtone lo<TAB>" into an interactive zsh (zpty) whose fpath holds dialtone's completion, as a user's
# shell would autoload it, and prints what the line became. scripts/test-packages expects "dialtone load".
#   zsh -f scripts/completion-check.zsh DIR-WITH-_dialtone
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=($1 \$fpath); autoload -U compinit && compinit -u; dialtone() { :; }"
sleep 1
while zpty -r -t z chunk; do :; done
zpty -w -n z $'dialtone lo\t'
sleep 2
all=""
while zpty -r -t z chunk; do all+=$chunk; done
zpty -d z
if [[ $all == *"dialtone load"* ]]; then print "zsh: dialtone lo<TAB> -> dialtone load"; else print "zsh: no completion"; exit 1; fi
