# Shared by scripts/start.sh and scripts/test.sh: the virtual environment and front-end packages.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "需要 root 权限执行：$*" >&2; return 1; fi; }

pick_python() {
  for p in python3.11 python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$p"; return; fi
  done
  echo "需要 Python 3.11 或更新版本" >&2; exit 1
}

setup_venv() {  # $1: lock file
  local lock="$1" stamp=".venv/.installed-$(basename "$1")"
  if [ ! -x .venv/bin/python ]; then "$(pick_python)" -m venv .venv; fi
  if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "== 安装 Python 依赖（$lock）"
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade "pip==25.3"
    .venv/bin/python -m pip install -q --disable-pip-version-check -r "$lock"
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
    touch "$stamp"
  fi
}

setup_frontend() {  # $1: "dev" also installs the development tools (ESLint, the JS test helpers)
  local want="frontend/node_modules/leaflet" omit=(--omit=dev)
  if [ "${1:-}" = dev ]; then want="frontend/node_modules/eslint"; omit=(); fi
  if [ ! -d "$want" ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
    if ! command -v npm >/dev/null; then
      echo "== 安装 Node.js/npm（前端静态资源来自 npm 包仓库）"
      as_root apt-get update -qq && as_root apt-get install -y -qq nodejs npm >/dev/null
    fi
    echo "== 安装前端资源（npm ci，本地提供，不使用 CDN）"
    npm ci --prefix frontend "${omit[@]}" --no-audit --no-fund --loglevel=error
  fi
}
