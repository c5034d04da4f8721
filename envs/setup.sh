#!/usr/bin/env bash
# Install everything the pipeline needs into ./.venv (pip) and envs/node_modules (npm: the map
# libraries inlined into every HTML map). With --test also the test tools and Debian's chromium for
# the headless-browser test. Idempotent; uses only the package registries (PyPI, npm, Debian).
#   bash envs/setup.sh          # run the pipeline
#   bash envs/setup.sh --test   # run the tests
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python3 -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "${1:-}" = "--test" ]; then
    .venv/bin/python -m pip install --quiet -r envs/requirements-test.txt
else
    .venv/bin/python -m pip install --quiet -r envs/requirements.txt
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
if ! command -v npm >/dev/null 2>&1; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm
fi
if [ "${1:-}" = "--test" ]; then
    bash envs/browser-setup.sh
else
    bash envs/browser-setup.sh --npm-only
fi
echo "setup done: $(.venv/bin/snakemake --version | head -1) in $root/.venv"
