#!/usr/bin/env bash
# Runs the predict job on an embedded local Spark (no cluster, no SPARK_HOME):
#
#   submit/predict.sh --model target/jobs/xor/model --input conf/data/xor.csv --format csv \
#                     --output target/jobs/xor-predictions --output-format csv --overwrite
#
# --help lists the options. Arguments must not contain spaces (they pass through Maven's exec plugin).
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -q compile exec:exec -Djob.main=io.sparkneural.jobs.PredictJob -Djob.args="$*"
