#!/usr/bin/env bash
# Debian packages the tests need (headless Chromium for browser tests, curl for the documented commands, Virtuoso's
# server and isql for the remote-engine tests), or those named as arguments (`make bench`: wrk, the load generator).
# A package given as name=version is installed in exactly that version (and reinstalled when another is there).
# Idempotent; needs root when something is missing.
set -euo pipefail
packages=("$@")
# virtuoso-opensource-7-bin: the binaries of Debian's virtuoso-opensource (virtuoso-t, isql-vt), without the
# packaged service, which would create a database and start a server on the machine's ports
[ ${#packages[@]} -gt 0 ] || packages=(chromium curl virtuoso-opensource-7-bin=7.2.5.1+dfsg1-0.3)
missing=()
for pkg in "${packages[@]}"; do
  name=${pkg%%=*}
  installed=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)
  case "$installed" in
    "install ok installed "*)
      [ "$name" = "$pkg" ] || [ "${installed##* }" = "${pkg#*=}" ] || missing+=("$pkg") ;;
    *) missing+=("$pkg") ;;
  esac
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
