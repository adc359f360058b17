#!/usr/bin/env bash
# Installs the reducer bench's references with apt, only those missing (idempotent): umap-learn,
# scikit-learn, uwot, Rtsne, Fashion-MNIST, and GNU time (peak RSS of every bench child).
# Without root (and without sudo) it only says what is missing; the bench then reports those
# references as "not installed" and still runs ours.
set -euo pipefail

packages=(umap-learn python3-sklearn r-cran-uwot r-cran-rtsne dataset-fashion-mnist time)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "bench/setup.sh: missing ${missing[*]} and no root to install them; those references will show as not installed" >&2
  exit 0
fi

echo "bench/setup.sh: apt-get install ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
