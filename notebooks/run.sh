#!/usr/bin/env bash
# Executes the Jupyter notebooks headless with the installed kernel (notebooks/install-kernel.sh) and writes the
# executed copies, outputs and charts included, to target/notebooks. The committed notebooks stay without outputs.
# usage: notebooks/run.sh [NOTEBOOK.ipynb ...]     (default: all of them)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/notebooks
[ $# -gt 0 ] || set -- notebooks/*.ipynb
for nb in "$@"; do
  echo "== $nb"
  /usr/bin/jupyter nbconvert --to notebook --execute "$nb" --output-dir target/notebooks \
    --ExecutePreprocessor.timeout=900
done
