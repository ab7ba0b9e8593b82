#!/usr/bin/env bash
# The GPU check of issue 8, one command on a machine with one NVIDIA GPU, Java 17 and Maven:
#
#   submit/gpu-check.sh            # about 3-5 minutes with a warm ~/.m2
#
# It builds the CUDA profile (tests skipped), trains the seed CNN on MNIST through local Spark on the GPU, then the
# same network with the same settings on ND4J's CPU backend on a small subset (so that it stays quick), and prints
# samples/s and test accuracy of both. Put the figures in BENCHMARKS.md ("GPU (CUDA backend)").
#
# Settings (environment): PROFILE=cuda|cuda-redist (default: cuda when the CUDA 11 cuBLAS is installed, else
# cuda-redist, which downloads NVIDIA's CUDA 11.6 libraries: several GB, once); GPU_EPOCHS (2), GPU_TRAIN (60000),
# CPU_EPOCHS (1), CPU_TRAIN (4000), TEST_LIMIT (10000), BATCH (64); MNIST_DIR: a folder holding MNIST (else the job
# fetches it, which needs npm and the network); MVN_OPTS_EXTRA: extra Maven flags, e.g. -o on a machine without
# network whose ~/.m2 already holds everything; GPU_CHECK_FORCE=1 to run on a GPU the check below rejects.
#
# Local Spark gives tasks no GPU resources, so the worker runs on CUDA device 0 (ND4J's default): one worker, one
# GPU, as on a cluster with spark.task.resource.gpu.amount=1.
set -euo pipefail
cd "$(dirname "$0")/.."

GPU_EPOCHS="${GPU_EPOCHS:-2}"; GPU_TRAIN="${GPU_TRAIN:-60000}"
CPU_EPOCHS="${CPU_EPOCHS:-1}"; CPU_TRAIN="${CPU_TRAIN:-4000}"
TEST_LIMIT="${TEST_LIMIT:-10000}"; BATCH="${BATCH:-64}"
MAIN=io.sparkneural.examples.MnistJob
read -r -a MVN_EXTRA <<<"${MVN_OPTS_EXTRA:-}"
data_args=""
[ -n "${MNIST_DIR:-}" ] && data_args="--data-dir $MNIST_DIR"

say() { echo "gpu-check: $*"; }
die() { echo "gpu-check: $*" >&2; exit 2; }

# --- what this machine has -------------------------------------------------------------------------------------
command -v nvidia-smi >/dev/null || die "nvidia-smi not found: no NVIDIA driver here"
command -v mvn >/dev/null || die "mvn not found: Maven 3.8+ is needed"
java -version 2>&1 | grep -q 'version "17' || die "Java 17 is needed (java -version: $(java -version 2>&1 | head -1))"
gpu="$(nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv,noheader -i 0)"
say "GPU 0: $gpu"
driver_major="$(cut -d, -f2 <<<"$gpu" | tr -d ' ' | cut -d. -f1)"
cap="$(cut -d, -f3 <<<"$gpu" | tr -d ' ')"
[ "$driver_major" -ge 450 ] || die "driver $driver_major is too old for CUDA 11.6 (450.80.02 or later is needed)"
# ND4J 1.0.0-M2.1's libnd4jcuda.so (CUDA 11.6) holds machine code for sm_37 to sm_86 and no PTX, so the driver
# cannot compile its kernels for newer chips: Hopper (H100, H200: 9.0) and Blackwell do not run it.
if [ "${cap%%.*}" -ge 9 ] && [ "${GPU_CHECK_FORCE:-0}" != 1 ]; then
  die "compute capability $cap: ND4J 1.0.0-M2.1's CUDA 11.6 build has kernels for compute capability 3.7 to 8.6"\
" (Kepler to Ampere/Ada) and no PTX, so it cannot run on this GPU. Use an A100/A10/L4-class GPU, or a later ND4J"\
" with CUDA 12 (GPU_CHECK_FORCE=1 tries anyway)."
fi
if [ -z "${PROFILE:-}" ]; then
  if ldconfig -p 2>/dev/null | grep -q 'libcublas\.so\.11 ' && ldconfig -p | grep -q 'libcusolver\.so\.11 '; then
    PROFILE=cuda
  else
    PROFILE=cuda-redist
  fi
fi
say "Maven profile: -P$PROFILE"

# --- build ---------------------------------------------------------------------------------------------------
start=$(date +%s)
mvn -B -q "${MVN_EXTRA[@]}" -P"$PROFILE" -DskipTests compile
say "build: $(( $(date +%s) - start )) s"

# --- runs ----------------------------------------------------------------------------------------------------
run_job() { # profile, label, epochs, train-limit -> prints the RESULT line
  local profile="$1" label="$2" epochs="$3" train="$4" log
  log="target/gpu-check-$label.log"
  local args="--network cnn --master local[1] --workers 1 --batch-size $BATCH --epochs $epochs"
  args="$args --train-limit $train --test-limit $TEST_LIMIT $data_args"
  say "$label: $MAIN $args"
  if ! timeout 240 mvn -B "${MVN_EXTRA[@]}" -P"$profile" exec:exec -Djob.main="$MAIN" -Djob.args="$args" >"$log" 2>&1; then
    tail -40 "$log" >&2; die "$label run failed (whole log: $log)"
  fi
  grep -E 'Loaded \[[A-Za-z]+Backend\]|Backend used: ' "$log" | head -2 | sed "s/^/gpu-check: $label: /" || true
  grep '^RESULT ' "$log" | tail -1
}
gpu_result="$(run_job "$PROFILE" gpu "$GPU_EPOCHS" "$GPU_TRAIN" | tee /dev/stderr | grep '^RESULT ')"
cpu_result="$(run_job cpu cpu "$CPU_EPOCHS" "$CPU_TRAIN" | tee /dev/stderr | grep '^RESULT ')"

field() { sed -n "s/.*$2=\([^ ]*\).*/\1/p" <<<"$1"; }
echo
echo "seed CNN on MNIST, local[1], 1 worker, batch $BATCH, test on the first $TEST_LIMIT test images"
printf '%-6s %-38s %12s %14s %12s\n' backend "data" "samples/s" "test accuracy" "train s"
printf '%-6s %-38s %12s %14s %12s\n' GPU "$GPU_TRAIN train images x $GPU_EPOCHS epochs" \
  "$(field "$gpu_result" samples_per_second)" "$(field "$gpu_result" test_accuracy)" "$(field "$gpu_result" train_seconds)"
printf '%-6s %-38s %12s %14s %12s\n' CPU "$CPU_TRAIN train images x $CPU_EPOCHS epochs (subset)" \
  "$(field "$cpu_result" samples_per_second)" "$(field "$cpu_result" test_accuracy)" "$(field "$cpu_result" train_seconds)"
echo "(the CPU run trains on a subset to stay quick: compare samples/s; its accuracy is not comparable)"
echo "GPU: $gpu; CPU: $(nproc) cores, ND4J threads as the pom's exec setting (OMP_NUM_THREADS=1)"
