#!/usr/bin/env bash
# Runs every test: unit, integration on a throwaway PostgreSQL, API, components and browser journeys.
# Installs what is missing first (PostgreSQL server binaries, Chromium). Extra arguments go to dotnet test
# (e.g. ./test.sh --filter FullyQualifiedName~Organizations).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

ensure_dotnet
ensure_postgres
ensure_chromium
ensure_opencl
ensure_sandbox

results="$(pwd)/TestResults"
rm -rf "$results"
status=0
dotnet test Portal.Tests/Portal.Tests.csproj -nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" "$@" || status=$?

trx="$results/results.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$(value passed); failed=$(value failed); total=$(value total); executed=$(value executed)
  skipped=$(( ${total:-0} - ${executed:-0} ))
  echo
  echo "${passed:-0} passed, ${failed:-0} failed, ${skipped} skipped"
fi
exit $status
