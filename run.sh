#!/usr/bin/env bash
# Runs the Consortium Portal on http://localhost:8080 (PORTAL_URLS or --urls changes it), with its own
# PostgreSQL cluster under .data/pg (Portal__DataDirectory moves it; ConnectionStrings__Portal uses
# another server instead), and a local agent that runs kernels on this machine's devices (PoCL on the
# CPU, and any GPU) for this portal; --no-agent leaves the agent out. Ctrl-C or SIGTERM stops the agent
# (it finishes or hands back its jobs), the portal and the database it started.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

ensure_dotnet
if [ -z "${ConnectionStrings__Portal:-}" ]; then ensure_postgres; fi

echo "==> building"
dotnet build Portal/Portal.csproj -c Release -nologo -v q -clp:ErrorsOnly
dotnet build Portal.Agent/Portal.Agent.csproj -c Release -nologo -v q -clp:ErrorsOnly

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
urls="${PORTAL_URLS:-http://localhost:8080}"
args=()
local_agent=1
while [ $# -gt 0 ]; do
  case "$1" in
    --urls) urls="$2"; shift 2 ;;
    --urls=*) urls="${1#--urls=}"; shift ;;
    --no-agent) local_agent=0; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

echo
echo "Consortium Portal: ${urls//;/ } (environment: $ASPNETCORE_ENVIRONMENT)"
if [ "$ASPNETCORE_ENVIRONMENT" = "Development" ]; then
  password=$(sed -n 's/.*"DemoPassword": *"\([^"]*\)".*/\1/p' Portal/appsettings.Development.json)
  echo "Demo accounts (password: $password):"
  echo "  admin@consortium.demo    consortium admin"
  echo "  partner@samsung.demo     partner admin at Samsung Electronics"
  echo "  officer@msit.demo        ministry officer at the Ministry of Science and ICT"
  echo "  developer@furiosa.demo   developer at FuriosaAI"
fi
echo

# The local agent registers with a token this script keeps under .data/agent; the portal accepts it
# for its organisation "Local agents" (PORTAL_LOCAL_AGENT_TOKEN).
if [ "$local_agent" = 1 ]; then
  ensure_opencl
  ensure_sandbox
  mkdir -p .data/agent
  token_file=.data/agent/registration-token
  if [ ! -s "$token_file" ]; then
    (umask 077; echo "cpr_local_$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')" > "$token_file")
  fi
  export PORTAL_LOCAL_AGENT_TOKEN="$(cat "$token_file")"
fi

portal_dll=Portal/bin/Release/net10.0/Portal.dll
dotnet "$portal_dll" --contentRoot "$(pwd)/Portal" --urls "$urls" "${args[@]}" &
portal_pid=$!
agent_pid=""
stop() {
  trap - INT TERM
  [ -n "$agent_pid" ] && kill -TERM "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null
  kill -TERM "$portal_pid" 2>/dev/null
  wait "$portal_pid" 2>/dev/null
}
trap 'stop; exit 130' INT TERM

if [ "$local_agent" = 1 ]; then
  # The agent talks to the first URL, with a wildcard host made local.
  first="${urls%%;*}"
  portal_url=$(echo "$first" | sed -E 's#//(\+|\*|0\.0\.0\.0|\[::\])#//127.0.0.1#')
  for _ in $(seq 1 120); do
    dotnet "$portal_dll" healthcheck "$portal_url/health" >/dev/null 2>&1 && break
    kill -0 "$portal_pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$portal_pid" 2>/dev/null; then
    echo "==> local agent attached to $portal_url (its devices and verdicts: $portal_url/agents)"
    dotnet Portal.Agent/bin/Release/net10.0/Portal.Agent.dll run --portal "$portal_url" \
      --registration-token "$PORTAL_LOCAL_AGENT_TOKEN" --state .data/agent/state.json --name "local agent ($(hostname))" &
    agent_pid=$!
  fi
fi

wait "$portal_pid"
status=$?
stop
exit $status
