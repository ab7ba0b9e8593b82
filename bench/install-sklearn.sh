#!/usr/bin/env bash
# Installs scikit-learn for the benchmark's section 3: Debian's own package, used by Debian's own python3.
# The benchmark runs /usr/bin/python3 bench/python/sklearn_mlp.py (a python3 from pyenv or a virtualenv earlier on
# PATH does not see Debian's packages). Needs root (or sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends python3-sklearn
/usr/bin/python3 -c 'import sklearn, numpy; print("scikit-learn", sklearn.__version__, "numpy", numpy.__version__)'
