#!/usr/bin/env bash
# Installs Jupyter's command line (nbconvert, nbclient, jupyter-client, ipykernel) from Debian's packages, unless
# /usr/bin/jupyter-nbconvert is already there. Needs root, or sudo. The notebook tests call it before they run.
set -euo pipefail
packages="jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client python3-nbformat"
[ -x /usr/bin/jupyter-nbconvert ] && exit 0
if [ "$(id -u)" = 0 ]; then as_root=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root="sudo"; else
  echo "Jupyter is missing; as root run: apt-get install --no-install-recommends $packages" >&2
  exit 1
fi
echo "installing Jupyter from Debian's packages: $packages"
$as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $packages >/dev/null
