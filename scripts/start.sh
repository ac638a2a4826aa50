#!/usr/bin/env bash
# Set up everything and start yingji with the Fuzhou demo on the embedded default
# (SQLite under ./var, in-process event bus) at http://127.0.0.1:8000.
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
setup_venv requirements.lock
setup_frontend
echo "== 数据库迁移"
.venv/bin/yingji db upgrade
echo "== 载入福州演示数据"
.venv/bin/yingji demo load
exec .venv/bin/yingji serve "$@"
