# shellcheck shell=bash
# The repository: the app user's mirror of it, fetched over the deploy key.

# deploy_git KEY CONTROL_PATH GIT_ARG...: git over the deploy key KEY; its SSH connection stays open 5 minutes at CONTROL_PATH ('': none).
deploy_git() {
  # The first contact with the git server records its host key. The open connection (OpenSSH's
  # ControlPersist, a socket only the app user can use) spares the next deploy's fetch the handshake.
  local ssh="ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -i $1"
  if [ -n "$2" ]; then ssh="$ssh -o ControlMaster=auto -o ControlPersist=300 -o ControlPath=$2"; fi
  shift 2
  git -c core.sshCommand="$ssh" "$@"
}
# deploy_fetch REPO KEY CONTROL_PATH: bring the mirror REPO up to date (deploy_git).
deploy_fetch() {
  cd "$1" && deploy_git "$2" "$3" fetch --prune --quiet origin
}
# __commit_of REF: print the commit REF names in the repository here (nothing when none).
__commit_of() { git rev-parse --verify --quiet "$1^{commit}" || true; }
# deploy_resolve_ref REPO WANT REPOSITORY: print "COMMIT KIND NAME" for WANT ('': the default branch) in the mirror REPO; status 66 when none.
deploy_resolve_ref() {
  local want=$2 name kind c t b missing
  # A name that is both a branch and a tag is refused, naming both: git itself picks the tag with
  # only a warning, and deploying the wrong one of two is silent. refs/heads/NAME and
  # refs/tags/NAME pick one. 66 is src/steps/git.ts's NO_REF_STATUS, for both refusals.
  cd "$1" || return
  [ -n "$want" ] || want=$(git symbolic-ref -q HEAD) || want=HEAD
  case "$want" in
    refs/heads/*)
      name=${want#refs/heads/} kind=branch
      c=$(__commit_of "$want")
      missing="no branch named $name"
      ;;
    refs/tags/*)
      name=${want#refs/tags/} kind=tag
      c=$(__commit_of "$want")
      missing="no tag named $name"
      ;;
    *)
      name=$want
      missing="no branch, tag or commit named $want"
      t=$(__commit_of "refs/tags/$want")
      b=$(__commit_of "refs/heads/$want")
      if [ -n "$t" ] && [ -n "$b" ]; then
        echo "$want is both a branch (refs/heads/$want, ${b:0:8}) and a tag (refs/tags/$want, ${t:0:8}) in $3" >&2
        return 66
      elif [ -n "$t" ]; then
        c=$t kind=tag
      elif [ -n "$b" ]; then
        c=$b kind=branch
      else
        c=$(__commit_of "$want") kind=commit
      fi
      ;;
  esac
  if [ -z "$c" ]; then
    echo "$missing in $3" >&2
    return 66
  fi
  echo "$c $kind $name"
}
