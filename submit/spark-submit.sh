#!/usr/bin/env bash
# Submits the train or predict job to a cluster: Spark standalone, YARN or Kubernetes. Prints the spark-submit
# command, and runs it unless DRY_RUN=1.
#
#   submit/spark-submit.sh spark://master:7077            train   conf/jobs/mnist-mlp.conf [TrainJob options]
#   submit/spark-submit.sh yarn                           train   conf/jobs/mnist-mlp.conf [TrainJob options]
#   submit/spark-submit.sh k8s://https://api.example:6443 train   conf/jobs/mnist-mlp.conf [TrainJob options]
#   submit/spark-submit.sh spark://master:7077            predict --model ... --input ... --output ...
#
# Needs SPARK_HOME (Spark 3.5, Scala 2.12, on Java 17). The application jar is the uber-jar
# target/spark-neural-<version>-dist.jar (spark-neural, DL4J/ND4J and the native libraries for linux-x86_64; Spark
# itself is left out, the cluster has it); built here when missing:
#   mvn -B -Pcpu,dist -Djavacpp.platform=linux-x86_64 -DskipTests package
# Environment: APP_JAR, EXECUTORS (2), EXECUTOR_CORES (2), K8S_IMAGE and K8S_NAMESPACE (Kubernetes),
# YARN_QUEUE (default), PROPERTIES (conf/spark-defaults.conf), EXECUTOR_OPENBLAS_CORETYPE (unset; SKYLAKEX where
# every executor's CPU has AVX-512: ND4J's OpenBLAS 0.3.19 runs AMD's AVX-512 CPUs, Zen 4 and 5, with SSE3 or AVX2
# kernels otherwise, at half the matrix-multiply speed or less; see conf/openblas-env.sh).
#
# What is set and why (conf/spark-defaults.conf has each with its reason): Kryo with ND4J's registrator; one
# ND4J thread per task core (OMP_NUM_THREADS); ND4J's off-heap memory capped with JavaCPP maxbytes and budgeted as
# spark.executor.memoryOverhead; the Java 17 --add-opens list for executors; no dynamic allocation (the training
# engine runs each epoch as one barrier stage, which needs all numWorkers tasks at once: numWorkers <= executors
# x cores). spark-submit adds the --add-opens list for the driver itself.
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: submit/spark-submit.sh <spark://host:port | yarn | k8s://https://host:port> <train CONFIG | predict> [options]"
master="${1:?$usage}"; job="${2:?$usage}"; shift 2
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 (Scala 2.12) installation}"
case "$job" in
  train) main_class=io.sparkneural.jobs.TrainJob ;;
  predict) main_class=io.sparkneural.jobs.PredictJob ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
executors="${EXECUTORS:-2}"
cores="${EXECUTOR_CORES:-2}"
app_jar="${APP_JAR:-$(ls target/spark-neural-*-dist.jar 2>/dev/null | head -1 || true)}"
if [ -z "$app_jar" ]; then
  mvn -B -q -Pcpu,dist -Djavacpp.platform=linux-x86_64 -DskipTests package
  app_jar="$(ls target/spark-neural-*-dist.jar | head -1)"
fi

args=(--master "$master" --class "$main_class" --properties-file "${PROPERTIES:-conf/spark-defaults.conf}"
      --conf "spark.executor.cores=$cores")
if [ -n "${EXECUTOR_OPENBLAS_CORETYPE:-}" ]; then
  args+=(--conf "spark.executorEnv.OPENBLAS_CORETYPE=$EXECUTOR_OPENBLAS_CORETYPE")
fi
job_args=("$@")
if [ "$job" = train ]; then
  config="${job_args[0]:?train needs a job configuration file}"
  job_args=("${job_args[@]:1}")
fi

case "$master" in
  spark://*)
    # client mode: the driver runs here and reads the configuration from this folder
    args+=(--deploy-mode client --total-executor-cores "$((executors * cores))")
    if [ "$job" = train ]; then job_args=(--config "$config" "${job_args[@]}"); fi
    ;;
  yarn)
    # cluster mode: the driver runs in YARN; the configuration travels with --files into its working directory
    args+=(--deploy-mode cluster --num-executors "$executors" --queue "${YARN_QUEUE:-default}")
    if [ "$job" = train ]; then args+=(--files "$config"); job_args=(--config "$(basename "$config")" "${job_args[@]}"); fi
    ;;
  k8s://*)
    # cluster mode: the image holds Java 17, Spark 3.5 and the jar under /opt/spark-neural
    args+=(--deploy-mode cluster
           --conf "spark.executor.instances=$executors"
           --conf "spark.kubernetes.container.image=${K8S_IMAGE:?set K8S_IMAGE to an image with Java 17, Spark 3.5 and spark-neural}"
           --conf "spark.kubernetes.namespace=${K8S_NAMESPACE:-default}")
    if [ "$job" = train ]; then args+=(--files "$config"); job_args=(--config "$(basename "$config")" "${job_args[@]}"); fi
    case "$app_jar" in local://*|http*|s3a://*|hdfs://*) ;; *) app_jar="local:///opt/spark-neural/$(basename "$app_jar")";; esac
    ;;
  *)
    echo "unknown master '$master': spark://host:port, yarn or k8s://https://host:port" >&2; exit 2 ;;
esac

cmd=("$SPARK_HOME/bin/spark-submit" "${args[@]}" "$app_jar" "${job_args[@]}")
printf '%q ' "${cmd[@]}"; echo
[ "${DRY_RUN:-0}" = 1 ] || exec "${cmd[@]}"
