#!/usr/bin/env bash
# Installs what the notebooks need, on a Debian machine with Java 17 and Maven:
#   1. Jupyter (nbconvert, nbclient, jupyter-client) from Debian's packages, unless it is there;
#   2. the spark-neural jar (mvn package) and the Java kernel "spark-neural-java" that runs it.
# usage: notebooks/install-kernel.sh [JUPYTER_DATA_DIR]
#   JUPYTER_DATA_DIR defaults to ~/.local/share/jupyter, where Jupyter looks for user kernels. For another folder,
#   set JUPYTER_PATH=<that folder> when you start Jupyter.
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir="${1:-$HOME/.local/share/jupyter}"

notebooks/install-jupyter.sh

version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)
jar="target/spark-neural-$version.jar"
mvn -B -q -DskipTests package
mvn -B -q compile exec:exec -Djob.main=io.sparkneural.notebook.KernelSpec \
  -Djob.args="$data_dir --jar $jar --log-config notebooks/log4j2.properties"
echo "Jupyter kernel 'spark-neural-java' installed in $data_dir; run notebooks with:"
echo "  notebooks/run.sh    # all, headless; or in the browser: apt-get install jupyter-notebook; jupyter notebook notebooks/"
