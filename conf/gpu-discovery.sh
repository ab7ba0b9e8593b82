#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript, and spark.driver.resource.gpu.* if the
# driver asks for GPUs). Spark runs it when an executor starts and reads one JSON object from stdout:
#   {"name":"gpu","addresses":["0","1"]}
# The addresses are the GPUs' indexes as nvidia-smi numbers them (physical, PCI bus order). When the executor has
# CUDA_VISIBLE_DEVICES set to a list of indexes, only those GPUs are reported, since CUDA cannot use the others;
# io.sparkneural.train.GpuAssignment then maps each address to its CUDA ordinal (its position in that list). When
# CUDA_VISIBLE_DEVICES names GPUs by UUID or MIG name, the addresses are their CUDA ordinals 0..n-1 instead.
# Exits non-zero, with the reason on stderr, when nvidia-smi is missing or fails: Spark then fails the executor's
# start instead of running it without GPUs.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi not found on $(hostname): no NVIDIA driver on this node, or it is not on PATH" >&2
  exit 1
fi
if ! indexes="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1)"; then
  echo "gpu-discovery.sh: nvidia-smi failed on $(hostname): $indexes" >&2
  exit 1
fi

visible=",${CUDA_VISIBLE_DEVICES:-},"
filter=0
if [ -n "${CUDA_VISIBLE_DEVICES:-}" ] && [[ "$CUDA_VISIBLE_DEVICES" =~ ^[0-9]+(,[0-9]+)*$ ]]; then
  filter=1
fi

addresses=""
if [ -n "${CUDA_VISIBLE_DEVICES:-}" ] && [ "$filter" = 0 ]; then
  # devices named by UUID or MIG name: CUDA numbers them 0..n-1 in that order, and GpuAssignment takes the
  # addresses as those CUDA ordinals
  IFS=',' read -r -a named <<<"$CUDA_VISIBLE_DEVICES"
  for ((i = 0; i < ${#named[@]}; i++)); do addresses="${addresses:+$addresses,}\"$i\""; done
  indexes=""
fi
while read -r index; do
  index="${index//[[:space:]]/}"
  [ -z "$index" ] && continue
  if ! [[ "$index" =~ ^[0-9]+$ ]]; then
    echo "gpu-discovery.sh: unexpected nvidia-smi output on $(hostname): '$index'" >&2
    exit 1
  fi
  if [ "$filter" = 1 ] && [[ "$visible" != *",$index,"* ]]; then
    continue
  fi
  addresses="${addresses:+$addresses,}\"$index\""
done <<<"$indexes"

if [ -z "$addresses" ]; then
  echo "gpu-discovery.sh: no GPU found on $(hostname) (CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES-unset})" >&2
  exit 1
fi
echo "{\"name\":\"gpu\",\"addresses\":[$addresses]}"
