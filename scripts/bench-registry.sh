#!/usr/bin/env bash
# Load test of the registry's list and detail APIs on the synthetic data set (issue 3):
# seeds `seed --synthetic N` into a private cluster under .data/bench-pg (once), starts the portal
# in Release/Production, and drives each endpoint with wrk at 50 connections. Figures go to
# docs/benchmarks.md by hand, with this command line.
#   usage: scripts/bench-registry.sh   (env: N=10000 CONNECTIONS=50 DURATION=20s PORT=5199)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

N=${N:-10000}
CONNECTIONS=${CONNECTIONS:-50}
DURATION=${DURATION:-20s}
PORT=${PORT:-5199}
DATA=${BENCH_DATA:-.data/bench-pg}
TOKEN=${BENCH_TOKEN:-bench-token-$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')}  # 40+ characters (PORTAL_BOOTSTRAP_TOKEN)
BASE="http://127.0.0.1:$PORT"

ensure_dotnet
ensure_postgres
command -v wrk >/dev/null 2>&1 || apt_install wrk

dotnet build Portal -c Release -v quiet -nologo >/dev/null
PORTAL="dotnet Portal/bin/Release/net10.0/Portal.dll"

mkdir -p .data
SEED_ERR=$(mktemp)
echo "==> synthetic registry: N=$N into $DATA"
if ! $PORTAL seed --synthetic "$N" --Portal:DataDirectory="$DATA" 2>"$SEED_ERR"; then
  grep -q "already loaded" "$SEED_ERR" || { cat "$SEED_ERR" >&2; exit 1; }
  echo "    (already loaded)"
fi


ASPNETCORE_ENVIRONMENT=Production PORTAL_BOOTSTRAP_TOKEN="$TOKEN" Logging__LogLevel__Default=Warning \
  $PORTAL --contentRoot "$(pwd)/Portal" --urls "$BASE" --Portal:DataDirectory="$DATA" >.data/bench-portal.log 2>&1 &
PORTAL_PID=$!
trap 'kill $PORTAL_PID 2>/dev/null; wait $PORTAL_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs "$BASE/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "$BASE/health" >/dev/null || { echo "portal did not start; see .data/bench-portal.log" >&2; exit 1; }

auth=(-H "Authorization: Bearer $TOKEN")
first_id() { curl -fs "${auth[@]}" "$BASE$1" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4 || true; }
SKU_ID=$(first_id "/api/v1/skus?pageSize=1&sort=-bf16Tflops")
DEPLOYMENT_ID=$(first_id "/api/v1/deployments?pageSize=1&country=KR")

run() {
  local name=$1 path=$2
  # A short warm-up run first, so that the JIT and the connection pool are not measured.
  wrk -t2 -c"$CONNECTIONS" -d3s "${auth[@]}" "$BASE$path" >/dev/null
  printf '%-34s ' "$name"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 5s -s scripts/wrk-report.lua "${auth[@]}" "$BASE$path" | grep '^RESULT' | cut -c8-
}

echo "==> wrk -t2 -c$CONNECTIONS -d$DURATION against $BASE (N=$N)"
run "skus: category gpu, by name" "/api/v1/skus?category=gpu&sort=name&pageSize=50"
run "skus: gpu+ga, by -bf16Tflops" "/api/v1/skus?category=gpu&lifecycle=ga&sort=-bf16Tflops&pageSize=50"
run "skus: triton+vendor KR, by name" "/api/v1/skus?language=triton&country=KR&sort=name&pageSize=50"
run "skus: search 'nova', by name" "/api/v1/skus?q=nova&sort=name&pageSize=50"
run "sku detail" "/api/v1/skus/$SKU_ID"
run "deployments: KR, by name" "/api/v1/deployments?country=KR&sort=name&pageSize=50"
run "deployments: status, by -plannedMw" "/api/v1/deployments?status=under_construction&sort=-plannedMw&pageSize=50"
run "deployment detail" "/api/v1/deployments/$DEPLOYMENT_ID"
run "organizations: kind, by name" "/api/v1/organizations?kind=chip_designer&sort=name&pageSize=50"
