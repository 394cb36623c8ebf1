#!/usr/bin/env bash
# Debian packages the tests need (headless Chromium for browser tests, curl for the documented commands, Virtuoso's
# server and isql for the remote-engine tests, nginx and Apache's httpd for the static export and the replicas), or those named as arguments (`make bench`: wrk, the load generator).
# A package given as name=version is installed in exactly that version (and reinstalled when another is there).
# Idempotent; needs root when something is missing.
set -euo pipefail
packages=("$@")
# virtuoso-opensource-7-bin: the binaries of Debian's virtuoso-opensource (virtuoso-t, isql-vt), without the
# packaged service, which would create a database and start a server on the machine's ports
# apache2-bin: the httpd binary and its modules, without the packaged service (the tests start their own)
[ ${#packages[@]} -gt 0 ] || packages=(chromium curl virtuoso-opensource-7-bin=7.2.5.1+dfsg1-0.3 nginx=1.22.1-9+deb12u11
  apache2-bin=2.4.71-1~deb12u1)
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
