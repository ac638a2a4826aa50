#!/usr/bin/env bash
# Set up the development dependencies (incl. Playwright driving Debian's Chromium), start the
# services the tests need (PostgreSQL, Redis) and run the whole test suite: the browser code's
# lint (ESLint) and unit tests (node --test) first, then pytest.
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
setup_venv requirements-dev.lock
setup_frontend dev

echo "== 前端代码检查（ESLint）"
frontend/node_modules/.bin/eslint --config frontend/eslint.config.mjs --max-warnings 0 src/yingji frontend
echo "== 前端单元测试（node --test）"
node --test --test-reporter=dot frontend/tests/

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v pg_ctlcluster >/dev/null || need_apt+=(postgresql)
command -v redis-server >/dev/null || need_apt+=(redis-server)
# MQTT broker (monitoring telemetry, broadcast terminals); PostGIS for the targeting bench
command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || need_apt+=(mosquitto)
ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || need_apt+=(postgresql-15-postgis-3)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== 安装系统软件包：${need_apt[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "== 启动 PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  for _ in $(seq 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  echo "== 启动 Redis"
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi

if ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
  echo "== 启动 Mosquitto"
  conf="$(mktemp)"; printf 'listener 1883 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n' > "$conf"; chmod 644 "$conf"
  as_root "$(command -v mosquitto || echo /usr/sbin/mosquitto)" -d -c "$conf"
  for _ in $(seq 20); do (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null && break; sleep 0.5; done
fi

export YINGJI_REQUIRE_SERVICES=1
export YINGJI_E2E_CHROMIUM="${YINGJI_E2E_CHROMIUM:-$(command -v chromium)}"
exec .venv/bin/python -m pytest -q "$@"
