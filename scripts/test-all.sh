#!/usr/bin/env bash
# Installs what the tests need when it is missing, then runs every test: unit, parity (against
# astropy, fitsverify and the authors' fixtures), CLI and browser (Playwright in Debian Chromium).
# This is the README's test line; .ci/run runs exactly it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian tools the tests use as real references. Only installed when missing (apt is slow).
need=()
command -v chromium   >/dev/null 2>&1 || need+=(chromium)
command -v fitsverify >/dev/null 2>&1 || need+=(fitsverify)
command -v stilts     >/dev/null 2>&1 || need+=(stilts)
[ -f /usr/include/x86_64-linux-gnu/cblas.h ] || [ -f /usr/include/cblas.h ] || need+=(libopenblas-dev)
/usr/bin/python3 -c 'import astropy' >/dev/null 2>&1 || need+=(python3-astropy)
/usr/bin/python3 -c "import numpy"  >/dev/null 2>&1 || need+=(python3-numpy)
/usr/bin/python3 -c "import scipy"  >/dev/null 2>&1 || need+=(python3-scipy)
/usr/bin/python3 -c "import torch"  >/dev/null 2>&1 || need+=(python3-torch)
/usr/bin/python3 -c "import sklearn" >/dev/null 2>&1 || need+=(python3-sklearn)
/usr/bin/python3 -c "import PIL"   >/dev/null 2>&1 || need+=(python3-pil)
if [ ${#need[@]} -gt 0 ]; then
  echo "test-all: installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The Electron binary cannot be downloaded here; package.json also denies its install script.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi

[ -f native/build/Release/desa_kernels.node ] || npm run build:native
npm run typecheck
npx electron-vite build
npx vitest run
npx vitest run --config vitest.e2e.config.ts
