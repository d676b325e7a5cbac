#!/usr/bin/env bash
# Known-wrong out-of-bounds kernels on a GPU (docs/h200-runbook.md): each cuda-c and triton kernel here is put into its
# language's spec and run with `Portal.Agent exec`; its first line says the verdict it must get ("expect: passed", or
# "expect: failed | <text the message must contain>"). Prints one line per kernel, "ok" or "WRONG", and keeps each
# result in OUTDIR. Exit status 1 when any verdict is not the expected one.
# usage: run.sh AGENT DEVICE OUTDIR [--unsandboxed-kernels]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
agent=$1 device=$2 out=$3
shift 3
wrong=0
for language in cuda-c triton; do
  for kernel in "$here/$language"/*; do
    name="$language-$(basename "${kernel%.*}")"
    python3 -c 'import json, sys
spec = json.load(open(sys.argv[1])); spec["source"] = open(sys.argv[2]).read(); json.dump(spec, open(sys.argv[3], "w"))' \
      "$here/$language.spec.json" "$kernel" "$out/oob-$name.spec.json"
    timeout 300 "$agent" exec "$@" "$out/oob-$name.spec.json" --device "$device" --out "$out/oob-$name.result.json" \
      > /dev/null 2> "$out/oob-$name.stderr"
    python3 -c 'import json, sys
expect = open(sys.argv[1]).readline().split("expect:", 1)[1].strip()
status, _, text = (part.strip() for part in expect.partition("|"))
try:
    result = json.load(open(sys.argv[2]))
except (OSError, ValueError) as error:
    result = {"status": "no result", "message": str(error)}
good = result["status"] == status and text in result.get("message", "")
print(("ok    " if good else "WRONG ") + sys.argv[3] + ": " + result["status"] + ": " + result.get("message", ""))
sys.exit(0 if good else 1)' "$kernel" "$out/oob-$name.result.json" "$name" || wrong=1
  done
done
exit $wrong
