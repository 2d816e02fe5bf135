# shellcheck shell=bash
# Releases that come as archives (source = archive or url), as the app user. The archive lands
# in RELEASES/.incoming-NAME, is checked against its sha256 and for members that would land
# outside the release, is unpacked into RELEASES/.unpack-NAME, and only then renamed to
# RELEASES/NAME: a kill or a cut at any point leaves no half release under a release's name, and
# the next run's repair (deploy_finish_deletes) removes what was left.

# deploy_receive_archive RELEASES NAME SHA256 PYTHON < archive: keep the archive sent on stdin, then unpack it as the release NAME.
deploy_receive_archive() {
  rm -rf "$1/.incoming-$2" "$1/.unpack-$2"
  if ! cat >"$1/.incoming-$2"; then
    rm -f "$1/.incoming-$2"
    echo "could not receive the release archive (cat's words above): nothing changed" >&2
    return 1
  fi
  deploy_unpack_archive "$1" "$2" "$3" "$4" keep
}
# __curl_config: curl reading its URL from stdin (a curl config): a token in it never shows in a process list.
__curl_config() {
  curl --fail --silent --show-error --location --proto '=http,https' --connect-timeout 20 --retry 2 --config - "$@"
}
# deploy_download_archive RELEASES NAME SHA256 PYTHON < curl config: download the archive (url = "..."), then unpack it as the release NAME, stripping its top directory.
deploy_download_archive() {
  rm -rf "$1/.incoming-$2" "$1/.unpack-$2"
  if ! __curl_config --max-time 1800 --output "$1/.incoming-$2"; then
    rm -f "$1/.incoming-$2"
    echo "could not download the release archive (archive_url; curl's words above)" >&2
    return 1
  fi
  deploy_unpack_archive "$1" "$2" "$3" "$4" strip
}
# deploy_archive_sha256 < curl config: print the sha256 of the archive's .sha256 file (url = "..."), in sha256sum's format.
deploy_archive_sha256() {
  local sum
  if ! sum=$(__curl_config --max-time 60 | head -c 4096); then
    echo "could not download the archive's .sha256 file (curl's words above): publish one beside the archive, or set archive_sha256" >&2
    return 1
  fi
  sum=${sum%%[[:space:]]*}
  if ! [[ $sum =~ ^[0-9a-fA-F]{64}$ ]]; then
    echo "the archive's .sha256 file does not start with a sha256 (sha256sum's format: HASH  NAME)" >&2
    return 1
  fi
  echo "${sum,,}"
}
# deploy_unpack_archive RELEASES NAME SHA256 PYTHON keep|strip: check RELEASES/.incoming-NAME and unpack it as RELEASES/NAME (strip: its one top directory removed).
deploy_unpack_archive() {
  local incoming="$1/.incoming-$2" tmp="$1/.unpack-$2" got strip=()
  if [ "$5" = strip ]; then strip=(--strip-components=1); fi
  got=$(sha256sum "$incoming" | cut -d' ' -f1)
  if [ "$got" != "$3" ]; then
    if [ "$(head -c 200 "$incoming" | tr -d '[:space:]' | head -c 1)" = '<' ]; then
      echo "the release archive is an HTML page, not an archive (sha256 $got, expected $3): refused, nothing changed" >&2
    else
      echo "the release archive's sha256 is $got, not $3: refused, nothing changed" >&2
    fi
    rm -f "$incoming"
    return 1
  fi
  # Checked before a byte is written, and the links again once unpacked (a link may lead
  # through another): nothing of the archive may land outside the release.
  if ! "$4" - check "$incoming" "$5" <<<"$(__archive_checker)"; then
    rm -f "$incoming"
    return 1
  fi
  mkdir "$tmp"
  if ! tar -x -f "$incoming" -C "$tmp" --no-same-owner "${strip[@]}"; then
    rm -rf "$tmp" "$incoming"
    echo "could not unpack the release archive (tar's words above): nothing changed" >&2
    return 1
  fi
  if ! "$4" - links "$tmp" <<<"$(__archive_checker)"; then
    rm -rf "$tmp" "$incoming"
    return 1
  fi
  rm -f "$incoming"
  mv -T "$tmp" "$1/$2"
}
# __archive_checker: the Python that refuses an archive member that would land outside the release (absolute, .., a link out, a device).
__archive_checker() {
  cat <<'PY'
import os, posixpath, sys, tarfile

def refuse(problems):
    shown = problems[:5] + ([f"and {len(problems) - 5} more"] if len(problems) > 5 else [])
    print("the release archive is refused, nothing changed: " + "; ".join(shown), file=sys.stderr)
    sys.exit(1)

def escapes(path):
    return path.startswith("/") or path == ".." or path.startswith("../")

if sys.argv[1] == "check":
    path, strip = sys.argv[2], sys.argv[3] == "strip"
    try:
        members = tarfile.open(path).getmembers()
    except (tarfile.TarError, EOFError, OSError) as e:
        refuse([f"not a tar archive (plain, gzip, bzip2 or xz): {e}"])
    problems = []
    tops = {m.name.split("/")[0] for m in members if m.name.strip("/.")}
    if strip and len(tops) != 1:
        refuse([f"it has {len(tops)} top-level entries ({', '.join(sorted(map(repr, tops))[:3])}), not the one top directory archive_url's archives have"])
    for m in members:
        name = m.name
        if name.startswith("/") or ".." in name.split("/"):
            problems.append(f"{name!r} would land outside the release")
            continue
        if not (m.isfile() or m.isdir() or m.issym() or m.islnk()):
            problems.append(f"{name!r} is a device or a pipe")
        inner = name.split("/", 1)[1] if strip and "/" in name else ("" if strip else name)
        if m.issym() and (m.linkname.startswith("/") or escapes(posixpath.normpath(posixpath.join(posixpath.dirname(inner), m.linkname)))):
            problems.append(f"{name!r} links to {m.linkname!r}, outside the release")
        if m.islnk():
            target = m.linkname.split("/", 1)[1] if strip and "/" in m.linkname else m.linkname
            if escapes(posixpath.normpath(target)):
                problems.append(f"{name!r} is a hard link to {m.linkname!r}, outside the release")
    if problems:
        refuse(problems)
else:
    root = os.path.realpath(sys.argv[2])
    problems = []
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(d, n)
            if os.path.islink(p) and os.path.commonpath([root, os.path.realpath(p)]) != root:
                problems.append(f"{os.path.relpath(p, root)!r} links outside the release")
    if problems:
        refuse(problems)
PY
}
