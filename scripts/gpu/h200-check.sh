#!/usr/bin/env bash
# The GPU check of docs/h200-runbook.md, v2: runs on the device machine from the repository root, with the agent published
# here as one file in publish/agent (carried: the device machine has no .NET SDK and no network); everything it learns
# goes to $OUT, with a summary in $OUT/summary-<part>.md to copy into docs/compatibility-h200.md.
#   bash scripts/gpu/h200-check.sh suites   ~5 min: environment, devices, the conformance suite of each language (v2 ops
#                                           and dtypes, as far as the suites have them), OpenCL on the NVIDIA driver
#   bash scripts/gpu/h200-check.sh checks   ~4 min: control kernels, guard zones, storage dtypes, a custom op
#   bash scripts/gpu/h200-check.sh          both, one after the other (longer than one device call allows)
# Every step has its own time limit, so a step that hangs costs its limit, never the whole call.
set -uo pipefail
part=${1:-all}
: "${OUT:?set OUT to the folder for the results}"
export LD_LIBRARY_PATH=/usr/local/nvidia/lib64:/usr/local/cuda/targets/x86_64-linux/lib:${LD_LIBRARY_PATH:-}
# The NVIDIA OpenCL driver, for opencl-c on the GPU: an ICD file of our own (the machine's /etc/OpenCL may have none).
mkdir -p /tmp/icd && echo /usr/local/nvidia/lib64/libnvidia-opencl.so.1 > /tmp/icd/nvidia.icd
export OCL_ICD_VENDORS=/tmp/icd
A=./publish/agent/Portal.Agent
G=scripts/gpu
S=""
if ! bwrap --unshare-all --ro-bind / / true 2>/dev/null; then S=--unsandboxed-kernels; fi

environment() {
  {
    nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv
    ls /usr/local/nvidia/lib64 | grep -E 'libcuda\.so|libnvidia-opencl'
    ls /usr/local/cuda/targets/x86_64-linux/lib | grep -E 'libnvrtc|libOpenCL'
    # NVRTC's include path for cuda_fp16.h, cuda_bf16.h, cuda_fp8.h (Cuda/CudaToolkitHeaders.cs looks in these).
    ls -d /usr/local/cuda/include /usr/local/cuda/targets/x86_64-linux/include /usr/local/cuda/include/cccl 2>&1
    ls /usr/local/cuda/include 2>/dev/null | grep -E '^cuda_(fp16|bf16|fp8)\.h$'
    command -v python3; python3 -c "import torch, triton, numpy; print(torch.__version__, triton.__version__, numpy.__version__, torch.cuda.is_available(), torch.cuda.get_device_capability(0), hasattr(torch, 'float8_e4m3fn'))"
    # The custom op's reference runs on a CPU OpenCL device with fp64 (PoCL); without one custom ops are unsupported.
    ls /etc/OpenCL/vendors 2>&1; ls /usr/lib/x86_64-linux-gnu | grep -E 'libpocl|libOpenCL' 2>&1
    command -v bwrap || echo "no bwrap"
    echo "sandbox flag: ${S:-none (sandboxed)}"
  } > "$OUT/env.txt" 2>&1
  "$A" devices > "$OUT/devices.txt" 2>&1
  "$A" devices --json > "$OUT/devices.json" 2>&1
}

suites() {
  environment
  # Table mode prints one row per op as it finishes, so a run cut short still leaves its rows.
  timeout 110 "$A" suite $S --language cuda-c --device cuda:0 > "$OUT/suite-cuda-c.txt" 2>&1
  timeout 130 "$A" suite $S --language triton --device cuda:0 > "$OUT/suite-triton.txt" 2>&1
  local opencl
  opencl=$(python3 -c 'import json, sys
devices = json.load(open(sys.argv[1]))
print(next((d["id"] for d in devices if d["id"].startswith("opencl:") and "NVIDIA" in (d.get("vendor") or "") + (d.get("name") or "")), ""))' \
    "$OUT/devices.json" 2>/dev/null)
  if [ -n "$opencl" ]; then
    timeout 60 "$A" suite $S --language opencl-c --device "$opencl" > "$OUT/suite-opencl-c.txt" 2>&1
  else
    echo "no NVIDIA OpenCL device listed (see devices.txt)" > "$OUT/suite-opencl-c.txt"
  fi
  echo "$opencl" > "$OUT/opencl-device.txt"
  summary suites env.txt devices.txt suite-cuda-c.txt suite-triton.txt suite-opencl-c.txt
}

checks() {
  [ -s "$OUT/devices.json" ] || environment
  local opencl
  opencl=$(cat "$OUT/opencl-device.txt" 2>/dev/null)
  [ -n "$opencl" ] || opencl=$(python3 -c 'import json, sys
print(next((d["id"] for d in json.load(open(sys.argv[1])) if d["id"].startswith("opencl:") and "NVIDIA" in (d.get("vendor") or "") + (d.get("name") or "")), ""))' "$OUT/devices.json" 2>/dev/null)
  # Three groups at once: correctness only, so sharing the GPU costs no verdict (no timing here is compared).
  (
    # The known-wrong control kernels (Portal.Kernels/Suite/<language>/controls): every one must be `failed`.
    timeout 60 "$A" suite $S --controls --language cuda-c --device cuda:0 > "$OUT/controls-cuda-c.txt" 2>&1
    timeout 90 "$A" suite $S --controls --language triton --device cuda:0 > "$OUT/controls-triton.txt" 2>&1
    grep -H "controls failed" "$OUT"/controls-*.txt > "$OUT/controls-summary.txt" 2>&1
  ) &
  (
    # Guard zones: a correct vector add and four that write past z's end, before its start, far away, or into x.
    timeout 150 bash $G/out-of-bounds/run.sh "$A" cuda:0 "$OUT" $S > "$OUT/out-of-bounds.txt" 2>&1
    echo "exit $?" >> "$OUT/out-of-bounds.txt"
  ) &
  (
    # Storage dtypes: bf16/f16/fp8 kernels that must pass, and known-wrong ones (bf16 bits misread, f16 written as float,
    # one element past an odd-length bf16 buffer) that must fail for their reason; opencl-c on the NVIDIA driver.
    timeout 100 bash $G/dtypes/run.sh "$A" cuda:0 "$OUT" cuda-c $S > "$OUT/dtypes-cuda-c.txt" 2>&1
    echo "exit $?" >> "$OUT/dtypes-cuda-c.txt"
    if [ -n "$opencl" ]; then
      timeout 60 bash $G/dtypes/run.sh "$A" "$opencl" "$OUT" opencl-c $S > "$OUT/dtypes-opencl-c.txt" 2>&1
      echo "exit $?" >> "$OUT/dtypes-opencl-c.txt"
    fi
    # A custom op (its reference on the host's CPU OpenCL device, if it has one).
    KERNEL_FOLDER=$G/custom timeout 60 bash $G/dtypes/run.sh "$A" cuda:0 "$OUT" cuda-c $S > "$OUT/custom.txt" 2>&1
    echo "exit $?" >> "$OUT/custom.txt"
  ) &
  (
    # Triton starts a Python process per launch: its kernels get a group of their own.
    timeout 200 bash $G/dtypes/run.sh "$A" cuda:0 "$OUT" triton $S > "$OUT/dtypes-triton.txt" 2>&1
    echo "exit $?" >> "$OUT/dtypes-triton.txt"
    KERNEL_FOLDER=$G/custom timeout 40 bash $G/dtypes/run.sh "$A" cuda:0 "$OUT" triton $S >> "$OUT/custom.txt" 2>&1
    echo "exit $?" >> "$OUT/custom.txt"
  ) &
  wait
  summary checks controls-summary.txt out-of-bounds.txt dtypes-cuda-c.txt dtypes-opencl-c.txt dtypes-triton.txt custom.txt
}

# summary PART FILE...: the files, each under its name, as markdown for docs/compatibility-h200.md.
summary() {
  local part=$1
  shift
  {
    echo "# H200 check ($part), $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    for file in "$@"; do
      echo; echo "## $file"; echo; echo '```'
      cat "$OUT/$file" 2>/dev/null || echo "(not written)"
      echo '```'
    done
  } > "$OUT/summary-$part.md"
}

case $part in
  suites) suites ;;
  checks) checks ;;
  all) suites; checks ;;
  # v1's name for the guard-zone check alone.
  oob) timeout 400 bash $G/out-of-bounds/run.sh "$A" cuda:0 "$OUT" $S > "$OUT/out-of-bounds.txt" 2>&1; echo "exit $?" >> "$OUT/out-of-bounds.txt" ;;
  *) echo "usage: OUT=folder bash scripts/gpu/h200-check.sh [suites|checks|all|oob]" >&2; exit 2 ;;
esac
exit 0
