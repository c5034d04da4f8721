#!/usr/bin/env bash
# Install what the maps and the browser test need, from package registries only:
#   - npm (envs/package.json + package-lock.json, pinned): Leaflet 1.9.3, jQuery 3.7.1, leaflet.fullscreen 3.0.0,
#     leaflet-measure 2.1.7, leaflet-search 2.9.7 (inlined into every map: needed to *build* maps, not only to test)
#     and playwright-core (drives Debian's chromium in tests/browser; it downloads no browser).
#   - apt (skipped with --npm-only): chromium and a CJK font so screenshots show Chinese text.
# Idempotent; run from anywhere: bash envs/browser-setup.sh [--npm-only]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

npm ci --prefix "$here" --no-audit --no-fund

if [ "${1:-}" != "--npm-only" ] && ! command -v chromium >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk
fi
