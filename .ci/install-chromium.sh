#!/usr/bin/env bash
# Makes sure Debian's Chromium is present for the browser tests.
# Installs it with apt when missing and we are root; with CI=true a browser
# that is still missing fails the run, otherwise the tests skip themselves.
set -euo pipefail
BROWSER="${FHIRLENS_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$BROWSER" ]; then
	exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
	echo "install-chromium: $BROWSER missing; installing Debian's chromium with apt-get" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends chromium fonts-liberation
fi
if [ -x "$BROWSER" ]; then
	exit 0
fi
if [ "${CI:-}" = "true" ]; then
	echo "install-chromium: $BROWSER is missing and could not be installed (CI=true): failing" >&2
	exit 1
fi
echo "install-chromium: $BROWSER is missing; browser tests will be skipped (install chromium to run them)" >&2
exit 0
