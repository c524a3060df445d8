#!/usr/bin/env bash
# The README's first Quick-start line: installs what the app needs, then runs the main job on the
# embedded demo survey (generate → ingest → catalogues → train every DESA stage → embed) and exits,
# printing where the results are and how to open them in the app. Arguments go to `desa demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

# OpenBLAS lets `npm install` build the native CPU kernels (training is far slower without them).
if ! { [ -f /usr/include/x86_64-linux-gnu/cblas.h ] || [ -f /usr/include/cblas.h ]; } && command -v apt-get >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "demo: installing libopenblas-dev (for the native CPU kernels)"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libopenblas-dev >/dev/null
fi
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi
[ -f native/build/Release/desa_kernels.node ] || npm run build:native
exec node bin/desa.js demo "$@"
