#!/usr/bin/env bash
# Kernels with their verdicts on a device (docs/h200-runbook.md): each kernel under <language>/ carries its verdict on its
# first line ("expect: passed", or "expect: <status> | <text the message must contain>", optionally followed by
# "; unsupported if <text>": a device or host that cannot run it must say so with that text, e.g. fp8 below compute
# capability 8.9) and its spec, less language and source, on its second ("spec: {...}"); it is run with
# `Portal.Agent exec`. Prints one line per kernel, "ok", "ok (unsupported)" or "WRONG", and keeps each spec and
# result in OUTDIR. Exit status 1 when any verdict is not an expected one.
# usage: [KERNEL_FOLDER=folder with <language>/ kernels] run.sh AGENT DEVICE OUTDIR LANGUAGE... [--unsandboxed-kernels]
set -uo pipefail
here=${KERNEL_FOLDER:-$(cd "$(dirname "$0")" && pwd)}
agent=$1 device=$2 out=$3
shift 3
languages=() flags=()
for arg in "$@"; do
  case $arg in --*) flags+=("$arg") ;; *) languages+=("$arg") ;; esac
done
wrong=0
for language in "${languages[@]}"; do
  for kernel in "$here/$language"/*; do
    name="$(basename "$here")-$language-$(basename "${kernel%.*}")"
    python3 -c 'import json, sys
lines = open(sys.argv[1]).read().split("\n")
spec = json.loads(lines[1].split("spec:", 1)[1])
spec["language"] = sys.argv[2]
spec["source"] = "\n".join(lines)
json.dump(spec, open(sys.argv[3], "w"))' "$kernel" "$language" "$out/$name.spec.json"
    timeout 300 "$agent" exec "${flags[@]}" "$out/$name.spec.json" --device "$device" --out "$out/$name.result.json" \
      > /dev/null 2> "$out/$name.stderr"
    python3 -c 'import json, sys
expect = open(sys.argv[1]).readline().split("expect:", 1)[1].strip()
expect, _, unsupported_if = (part.strip() for part in expect.partition("; unsupported if"))
status, _, text = (part.strip() for part in expect.partition("|"))
try:
    result = json.load(open(sys.argv[2]))
except (OSError, ValueError) as error:
    result = {"status": "no result", "message": str(error)}
message = result.get("message", "")
good = result["status"] == status and text in message
excused = bool(unsupported_if) and result["status"] == "unsupported" and unsupported_if in message
print(("ok    " if good else "ok (unsupported) " if excused else "WRONG ") + sys.argv[3] + ": " + result["status"] + ": " + message)
sys.exit(0 if good or excused else 1)' "$kernel" "$out/$name.result.json" "$name" || wrong=1
  done
done
exit $wrong
