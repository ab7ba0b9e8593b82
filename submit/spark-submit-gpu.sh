#!/usr/bin/env bash
# Submits a spark-neural job to GPU executors: standalone, YARN or Kubernetes. Prints the spark-submit command, and
# runs it unless DRY_RUN=1.
#
#   submit/spark-submit-gpu.sh spark://master:7077            [job arguments...]
#   submit/spark-submit-gpu.sh yarn                           [job arguments...]
#   submit/spark-submit-gpu.sh k8s://https://api.example:6443 [job arguments...]
#
# Needs: SPARK_HOME (Spark 3.5, Scala 2.12, on Java 17); the application jar built with the CUDA backend,
# `mvn -B -Pdist,cuda -Djavacpp.platform=linux-x86_64 -DskipTests package` -> target/spark-neural-*-dist.jar (or set
# APP_JAR). Environment: APP_JAR, MAIN_CLASS
# (io.sparkneural.examples.MnistJob), EXECUTORS (2), GPUS_PER_EXECUTOR (4), K8S_IMAGE (Kubernetes: an image with
# Java 17, Spark 3.5, the NVIDIA container runtime and CUDA 11.x libraries, or a -Pcuda-redist jar),
# K8S_NAMESPACE (default), YARN_QUEUE (default).
#
# The settings that matter (conf/spark-gpu.conf has them, with the reasons):
#   spark.executor.resource.gpu.amount  GPUs per executor; on YARN and Kubernetes this is what the container asks for
#   spark.task.resource.gpu.amount=1    one GPU per task: each training worker (task) gets its own GPU
#   spark.executor.resource.gpu.discoveryScript  how an executor finds its GPUs (conf/gpu-discovery.sh)
#   numWorkers (the job's --workers)     = EXECUTORS x GPUS_PER_EXECUTOR, so that every worker holds a GPU
set -euo pipefail
cd "$(dirname "$0")/.."

master="${1:?usage: submit/spark-submit-gpu.sh <master: spark://host:7077 | yarn | k8s://https://host:port> [job args]}"
shift
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 (Scala 2.12) installation}"
executors="${EXECUTORS:-2}"
gpus="${GPUS_PER_EXECUTOR:-4}"
main_class="${MAIN_CLASS:-io.sparkneural.examples.MnistJob}"
app_jar="${APP_JAR:-$(ls target/spark-neural-*-dist.jar 2>/dev/null | head -1 || true)}"
[ -n "$app_jar" ] || { echo "no application jar: build it with mvn -B -Pdist,cuda -Djavacpp.platform=linux-x86_64 -DskipTests package, or set APP_JAR" >&2; exit 2; }

args=(--master "$master" --class "$main_class"
      --properties-file conf/spark-gpu.conf
      --conf "spark.executor.resource.gpu.amount=$gpus"
      --conf spark.task.resource.gpu.amount=1
      --conf "spark.executor.cores=$((2 * gpus))"
      --files conf/gpu-discovery.sh)

case "$master" in
  spark://*)
    # Standalone: each worker must also offer its GPUs, in its own conf/spark-env.sh on every GPU node:
    #   SPARK_WORKER_OPTS="-Dspark.worker.resource.gpu.amount=4 -Dspark.worker.resource.gpu.discoveryScript=/opt/spark-neural/conf/gpu-discovery.sh"
    # Executors run in the worker's directory, where --files lands only after the script must run: give an
    # absolute path that exists on every node.
    args+=(--deploy-mode client
           --total-executor-cores "$((executors * 2 * gpus))"
           --conf "spark.executor.resource.gpu.discoveryScript=${DISCOVERY_SCRIPT:-$PWD/conf/gpu-discovery.sh}")
    ;;
  yarn)
    # YARN 3.1+ with GPU scheduling on (yarn.resource-types=yarn.io/gpu and the GPU plugin on each NodeManager):
    # Spark maps spark.executor.resource.gpu.amount to the container request yarn.io/gpu. With YARN's GPU isolation
    # the container sees only its GPUs; the discovery script, shipped with --files, reports what it sees.
    args+=(--deploy-mode cluster --num-executors "$executors" --queue "${YARN_QUEUE:-default}"
           --conf spark.executor.resource.gpu.discoveryScript=./gpu-discovery.sh
           --conf spark.yarn.appMasterEnv.OMP_NUM_THREADS=2)
    ;;
  k8s://*)
    # Kubernetes with the NVIDIA device plugin: Spark asks for nvidia.com/gpu on each executor pod. The image must
    # contain the discovery script (here at /opt/spark-neural/conf/gpu-discovery.sh).
    args+=(--deploy-mode cluster
           --conf "spark.executor.instances=$executors"
           --conf spark.executor.resource.gpu.vendor=nvidia.com
           --conf spark.executor.resource.gpu.discoveryScript=/opt/spark-neural/conf/gpu-discovery.sh
           --conf "spark.kubernetes.container.image=${K8S_IMAGE:?set K8S_IMAGE to an image with Java 17, Spark 3.5 and spark-neural}"
           --conf "spark.kubernetes.namespace=${K8S_NAMESPACE:-default}")
    # in cluster mode the jar must be reachable from the pods: local:///... inside the image, or a URL
    case "$app_jar" in local://*|http*|s3a://*|hdfs://*) ;; *) app_jar="local:///opt/spark-neural/$(basename "$app_jar")";; esac
    ;;
  *)
    echo "unknown master '$master': spark://host:port, yarn or k8s://https://host:port" >&2; exit 2 ;;
esac

job_args=("$@")
[ ${#job_args[@]} -gt 0 ] || job_args=(--network cnn --epochs 10 --workers "$((executors * gpus))")
cmd=("$SPARK_HOME/bin/spark-submit" "${args[@]}" "$app_jar" "${job_args[@]}")
printf '%q ' "${cmd[@]}"; echo
[ "${DRY_RUN:-0}" = 1 ] || exec "${cmd[@]}"
