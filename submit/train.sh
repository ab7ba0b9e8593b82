#!/usr/bin/env bash
# Runs the train job on an embedded local Spark: no cluster and no SPARK_HOME, only Java 17 and Maven.
#
#   submit/train.sh conf/jobs/mnist-mlp.conf [--set pipeline.params.epochs=3] [--output DIR] [--master local[4]]
#
# The first argument is the job configuration; the rest are TrainJob options (--help lists them and every key).
# Arguments must not contain spaces (they pass through Maven's exec plugin); use a configuration file instead.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: submit/train.sh CONFIG [--set key=value]... | --help" >&2; exit 2; }
if [ "$1" = "--help" ] || [ "$1" = "-h" ]; then args="--help"; else config="$1"; shift; args="--config $config $*"; fi
exec mvn -B -q compile exec:exec -Djob.main=io.sparkneural.jobs.TrainJob -Djob.args="$args"
