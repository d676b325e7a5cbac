#!/usr/bin/env bash
# Load test of the job queue (issue 5): a fresh private cluster under .data/bench-queue-pg, the portal in
# Release/Production with the submission rate limit lifted, then Portal.Benchmarks queue (synthetic agents:
# fill, lease → complete throughput, idle pick-up), then pgbench -N on the same PostgreSQL server, so the
# queue's jobs/s can be read against what this machine's PostgreSQL does with small write transactions.
# Figures go to docs/benchmarks.md by hand, with this command line.
#   usage: scripts/bench-queue.sh   (env: AGENTS=16 JOBS=20000 SAMPLES=50 PORT=5198 PGBENCH_SECONDS=20,
#          BENCH_ARGS="--ask-next" or other Portal.Benchmarks queue options,
#          PG_STAT_STATEMENTS=1: load pg_stat_statements in the cluster and print the statements' calls and times at the end;
#          it costs PostgreSQL CPU of its own, so take the figures of a run without it)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

AGENTS=${AGENTS:-16}
JOBS=${JOBS:-20000}
SAMPLES=${SAMPLES:-50}
PORT=${PORT:-5198}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-20}
DATA=${BENCH_DATA:-.data/bench-queue-pg}
TOKEN=${BENCH_TOKEN:-bench-token-$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')}  # 40+ characters (PORTAL_BOOTSTRAP_TOKEN)
BASE="http://127.0.0.1:$PORT"
REPORT=.data/bench-queue.json

ensure_dotnet
ensure_postgres
# The machine may be shared (other builds, other benchmarks): the load average goes beside every figure recorded.
echo "==> load average at start: $(cat /proc/loadavg)"
PG_BIN=$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/pgbench" | sort -V | tail -1)")
[ -x "$PG_BIN/pgbench" ] || { echo "pgbench not found under /usr/lib/postgresql/*/bin" >&2; exit 1; }

echo "==> Release build: Portal, Portal.Benchmarks"
dotnet build Portal -c Release -v quiet -nologo >/dev/null
dotnet build Portal.Benchmarks -c Release -v quiet -nologo >/dev/null
PORTAL="dotnet Portal/bin/Release/net10.0/Portal.dll"
BENCH="dotnet Portal.Benchmarks/bin/Release/net10.0/Portal.Benchmarks.dll"

# A fresh cluster each run: the queue's tables start empty, and earlier runs' jobs cannot slow this one.
mkdir -p .data
rm -rf "$DATA"
start_portal() {
ASPNETCORE_ENVIRONMENT=Production PORTAL_BOOTSTRAP_TOKEN="$TOKEN" Logging__LogLevel__Default=Warning \
  Portal__Submissions__PermitLimit=1000000 \
  $PORTAL --contentRoot "$(pwd)/Portal" --urls "$BASE" --Portal:DataDirectory="$DATA" >.data/bench-queue-portal.log 2>&1 &
PORTAL_PID=$!
trap 'kill $PORTAL_PID 2>/dev/null; wait $PORTAL_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  curl -fs "$BASE/health" >/dev/null 2>&1 && break
  kill -0 $PORTAL_PID 2>/dev/null || break
  sleep 0.5
done
curl -fs "$BASE/health" >/dev/null || { echo "portal did not start; see .data/bench-queue-portal.log" >&2; exit 1; }
}
echo "==> portal on $BASE, fresh cluster in $DATA"
start_portal
if [ "${PG_STAT_STATEMENTS:-0}" = 1 ]; then
  # The library loads only at server start: stop the portal (it stops its cluster), add it, start again.
  kill $PORTAL_PID; wait $PORTAL_PID 2>/dev/null || true
  printf "\nshared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track_utility = off\n" >>"$DATA/postgresql.conf"
  echo "==> portal restarted with pg_stat_statements"
  start_portal
fi

embedded_postgres_env "$DATA"
POSTMASTER_PID=$(head -1 "$DATA/postmaster.pid")

$BENCH queue --url "$BASE" --token "$TOKEN" --agents "$AGENTS" --jobs "$JOBS" --samples "$SAMPLES" ${BENCH_ARGS:-} \
  --portal-pid "$PORTAL_PID" --postgres-pid "$POSTMASTER_PID" --json "$REPORT"
if [ "${PG_STAT_STATEMENTS:-0}" = 1 ]; then
  echo
  echo "==> pg_stat_statements (whole run: set-up, warm-up, fill, throughput, pick-up), by total time"
  "$PG_BIN/psql" -X -q -d portal -c "create extension if not exists pg_stat_statements" -c "
    select calls, round(total_exec_time::numeric, 0) as total_ms, round((total_exec_time / calls)::numeric, 3) as mean_ms, rows,
           wal_records, left(regexp_replace(query, '\s+', ' ', 'g'), 110) as query
      from pg_stat_statements order by total_exec_time desc limit 25"
fi
JOBS_PER_S=$(sed -n 's/.*"jobsPerSecond": *\([0-9.]*\).*/\1/p' "$REPORT" | head -1)

echo
echo "==> pgbench on the same server ($PGHOST:$PGPORT): -i -s 10, then -N -c 16 -j 2 -T $PGBENCH_SECONDS"
"$PG_BIN/createdb" pgbench_scratch
"$PG_BIN/pgbench" -i -s 10 -q pgbench_scratch 2>&1 | tail -1
PGBENCH_OUT=$("$PG_BIN/pgbench" -N -c 16 -j 2 -T "$PGBENCH_SECONDS" pgbench_scratch 2>&1)
echo "$PGBENCH_OUT" | grep -E '^(number of transactions actually processed|latency average|tps)'
TPS=$(echo "$PGBENCH_OUT" | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p')
"$PG_BIN/dropdb" pgbench_scratch

echo
awk -v q="$JOBS_PER_S" -v t="$TPS" 'BEGIN {
  printf "queue jobs/s %.0f ÷ pgbench -N tps %.0f = %.2f\n", q, t, q / t
  printf "(a job is two write transactions, lease and complete, against one for a pgbench -N transaction)\n" }'
echo "==> load average at end: $(cat /proc/loadavg)"
