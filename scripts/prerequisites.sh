# Sourced by run.sh and test.sh: installs what the portal needs and a fresh Debian/Ubuntu machine lacks.
# Uses apt-get (through sudo when not root); installs nothing that is already there.

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

_apt_updated=0
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: $* missing and apt-get is not available; install them with your package manager." >&2
    return 1
  fi
  if [ "$_apt_updated" -eq 0 ]; then
    echo "==> apt-get update"
    as_root apt-get update -qq
    _apt_updated=1
  fi
  echo "==> installing: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

have_postgres_server() {
  command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK is required (https://dot.net); install it, then run this again." >&2
    exit 1
  fi
}

ensure_postgres() {
  # Only the server binaries are used: the portal runs its own private cluster under .data/.
  have_postgres_server || apt_install postgresql
}

ensure_chromium() {
  [ -x "${PORTAL_CHROMIUM:-/usr/bin/chromium}" ] || apt_install chromium
}

ensure_opencl() {
  # PoCL gives a real OpenCL device on the CPU: how kernels run in tests and CI.
  compgen -G "/etc/OpenCL/vendors/*.icd" >/dev/null && ldconfig -p 2>/dev/null | grep -q "libOpenCL.so.1" \
    || apt_install pocl-opencl-icd ocl-icd-libopencl1 clinfo
}

ensure_sandbox() {
  # bubblewrap: the agent compiles and runs every kernel in its sandbox, and refuses jobs without it.
  command -v bwrap >/dev/null 2>&1 || apt_install bubblewrap
}

embedded_postgres_env() {
  # psql/pgbench settings for the embedded cluster in $1, as the portal reaches it: the free loopback port it chose at
  # start (portal.conf), user "portal" with the password kept beside the data (Portal.Data/Database/EmbeddedPostgres.cs),
  # and its Unix socket in the data directory when it has one (EmbeddedPostgres.SocketDirectory), so that a benchmark's
  # pgbench and the portal use one transport.
  local dir
  dir=$(cd "$1" && pwd)
  PGPORT=$(sed -n 's/^port = //p' "$dir/portal.conf")
  PGPASSWORD=$(cat "$dir/portal-credentials")
  PGHOST=127.0.0.1
  [ -S "$dir/.s.PGSQL.$PGPORT" ] && PGHOST=$dir
  export PGHOST PGPORT PGPASSWORD PGUSER=portal PGDATABASE=portal
}
