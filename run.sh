#!/usr/bin/env bash
# Runs the Consortium Portal on http://localhost:8080 (PORTAL_URLS or --urls changes it), with its own
# PostgreSQL cluster under .data/pg (Portal__DataDirectory moves it; ConnectionStrings__Portal uses
# another server instead). Ctrl-C or SIGTERM stops the portal and the database it started.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

ensure_dotnet
if [ -z "${ConnectionStrings__Portal:-}" ]; then ensure_postgres; fi

echo "==> building"
dotnet build Portal/Portal.csproj -c Release -nologo -v q -clp:ErrorsOnly

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
urls="${PORTAL_URLS:-http://localhost:8080}"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --urls) urls="$2"; shift 2 ;;
    --urls=*) urls="${1#--urls=}"; shift ;;
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

# exec: signals reach the portal itself, which stops its embedded PostgreSQL on the way out.
exec dotnet Portal/bin/Release/net10.0/Portal.dll --contentRoot "$(pwd)/Portal" --urls "$urls" "${args[@]}"
