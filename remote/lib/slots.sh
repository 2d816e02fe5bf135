# shellcheck shell=bash
# The two gunicorn slots: which one is live, starting one, proving it answers, stopping the old.

# deploy_live_slot FLAG: print the live slot (b while FLAG, the switch file, exists; else a), as nginx decides it.
deploy_live_slot() { if [ -e "$1" ]; then echo b; else echo a; fi; }
