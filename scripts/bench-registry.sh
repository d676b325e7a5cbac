#!/usr/bin/env bash
# Load test of the registry's list and detail APIs on the synthetic data set (issue 3):
# seeds `seed --synthetic N` into a private cluster under .data/bench-pg (once), starts the portal
# in Release/Production, and drives each endpoint with wrk at 50 connections. Then (issue 12) pgbench
# runs each endpoint's page query alone (scripts/bench-registry/*.sql, the SQL the portal sends, with the
# same values) on the same server with as many clients, and the table at the end puts the two side by
# side: portal req/s ÷ pgbench tps is the share of PostgreSQL's own speed the endpoint gets.
# Figures go to docs/benchmarks.md by hand, with this command line.
#   usage: scripts/bench-registry.sh   (env: N=10000 CONNECTIONS=50 DURATION=20s WARMUP=5 PORT=5199 PGBENCH=1)
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
# Up to 5 minutes: on a loaded machine, start-up (JIT, migrations, a new index on 100,000 rows) takes its time.
for _ in $(seq 1 600); do
  curl -fs "$BASE/health" >/dev/null 2>&1 && break
  kill -0 $PORTAL_PID 2>/dev/null || break
  sleep 0.5
done
curl -fs "$BASE/health" >/dev/null || { echo "portal did not start; see .data/bench-portal.log" >&2; exit 1; }

auth=(-H "Authorization: Bearer $TOKEN")
first_id() { curl -fs "${auth[@]}" "$BASE$1" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4 || true; }
SKU_ID=$(first_id "/api/v1/skus?pageSize=1&sort=-bf16Tflops")
DEPLOYMENT_ID=$(first_id "/api/v1/deployments?pageSize=1&country=KR")

declare -A RESULTS
run() {
  local name=$1 path=$2
  # A short warm-up run first, so that the JIT and the connection pool are not measured.
  wrk -t2 -c"$CONNECTIONS" -d3s "${auth[@]}" "$BASE$path" >/dev/null
  printf '%-34s ' "$name"
  local result
  result=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 5s -s scripts/wrk-report.lua "${auth[@]}" "$BASE$path" | grep '^RESULT' | cut -c8-)
  echo "$result"
  RESULTS[$name]=$result
}

# name | path | page query for pgbench (scripts/bench-registry/NAME.sql), or - when there is none
ENDPOINTS=(
  "skus: category gpu, by name|/api/v1/skus?category=gpu&sort=name&pageSize=50|skus-gpu-by-name"
  "skus: gpu+ga, by -bf16Tflops|/api/v1/skus?category=gpu&lifecycle=ga&sort=-bf16Tflops&pageSize=50|skus-gpu-ga-by-bf16"
  "skus: triton+vendor KR, by name|/api/v1/skus?language=triton&country=KR&sort=name&pageSize=50|skus-triton-kr-by-name"
  "skus: search 'nova', by name|/api/v1/skus?q=nova&sort=name&pageSize=50|skus-search-nova"
  "sku detail|/api/v1/skus/$SKU_ID|sku-detail"
  "deployments: KR, by name|/api/v1/deployments?country=KR&sort=name&pageSize=50|deployments-kr-by-name"
  "deployments: status, by -plannedMw|/api/v1/deployments?status=under_construction&sort=-plannedMw&pageSize=50|deployments-status-by-planned-mw"
  "deployment detail|/api/v1/deployments/$DEPLOYMENT_ID|-"
  "organizations: kind, by name|/api/v1/organizations?kind=chip_designer&sort=name&pageSize=50|organizations-kind-by-name"
)

# One pass over every endpoint first: tiered compilation recompiles the hot paths for a while after start (the portal
# alone used a core for ~30 s after the first runs), and a measurement taken meanwhile is of the JIT, not the portal.
echo "==> warm-up: ${WARMUP:-5}s per endpoint"
for endpoint in "${ENDPOINTS[@]}"; do
  IFS='|' read -r _ path _ <<<"$endpoint"
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP:-5}s" "${auth[@]}" "$BASE$path" >/dev/null
done
sleep 5

echo "==> wrk -t2 -c$CONNECTIONS -d$DURATION against $BASE (N=$N)"
for endpoint in "${ENDPOINTS[@]}"; do
  IFS='|' read -r name path _ <<<"$endpoint"
  run "$name" "$path"
done

[ "${PGBENCH:-1}" = 1 ] || exit 0
PG_BIN=$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/pgbench" | sort -V | tail -1)")
embedded_postgres_env "$DATA"
echo "==> pgbench -n -M extended -c$CONNECTIONS -j2 -T${DURATION%s} with each page query alone ($PGHOST:$PGPORT)"
printf '%-34s %9s %9s %11s %11s %7s\n' endpoint "portal/s" "p95 ms" "pgbench tps" "pg avg ms" ratio
for endpoint in "${ENDPOINTS[@]}"; do
  IFS='|' read -r name _ sql <<<"$endpoint"
  [ "$sql" = - ] && continue
  # Extended protocol with no prepared statements: what Npgsql does here (no auto-prepare, PortalDataExtensions).
  out=$("$PG_BIN/pgbench" -n -M extended -c "$CONNECTIONS" -j 2 -T "${DURATION%s}" -D sku="$SKU_ID" -f "scripts/bench-registry/$sql.sql" 2>&1) || true
  tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
  avg=$(echo "$out" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p')
  [ -n "$tps" ] || { echo "pgbench failed for $sql:"; echo "$out" | tail -5; continue; }
  rps=$(echo "${RESULTS[$name]}" | sed -n 's/.*rps=\([0-9.]*\).*/\1/p')
  p95=$(echo "${RESULTS[$name]}" | sed -n 's/.*p95=\([0-9.]*\).*/\1/p')
  awk -v n="$name" -v r="$rps" -v p="$p95" -v t="$tps" -v a="$avg" \
    'BEGIN { printf "%-34s %9.0f %9.1f %11.0f %11.2f %7.2f\n", n, r, p, t, a, (t > 0 ? r / t : 0) }'
done
