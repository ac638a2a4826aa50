"""Load benchmark: requests/s and p95 for 50 and 200 officers reading the risk map and hazard list.

For each database (SQLite file, PostgreSQL) the Fuzhou demo is loaded (3,000 units, 8,860 risk
sources, 3,000 hazards) and two set-ups are measured in the same run with locust
(``bench/locustfile.py``; think time 1–3 s per user, users round-robin over city, county and
township scopes):

* **baseline — today's single process**: ``yingji serve`` with one worker and the in-process
  bus, no server-side cache, clients without compression or revalidation (as before HTTP caching
  existed);
* **deployed**: ``yingji serve --workers N`` (20 threads each) with the Redis bus, the
  server-side cache shared in Redis, browsers that accept gzip and revalidate with ``If-None-Match`` (304).

Each set-up first runs ``--warmup`` seconds (15) of the smallest load unrecorded: the figures are a
server's steady state (nothing is written during the run, so cached answers stay valid; in real
use every write renews the data version and the first reader after it renders again).

A third measurement per set-up, 50 users **without** think time, shows what it can serve at most
(the think-time runs are capped by the load offered: 50 users ≈ 25 requests/s, 200 ≈ 100).
Prints each figure and the ratio deployed / baseline. Run: ``bash bench/load.sh`` (options:
``--users 50,200 --duration 30 --workers 2 --no-pg``). Needs Redis on 127.0.0.1:6379 for the
deployed set-up; PostgreSQL on 127.0.0.1:5432 (trust) for the second database.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("YINGJI_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("YINGJI_BENCH_REDIS", "redis://127.0.0.1:6379/0")
SCOPES = [("city_duty", "350100"), ("leader", "350100")] + [
    ("county_officer", c) for c in ("350102", "350103", "350104", "350105", "350111", "350112", "350121",
                                    "350122", "350123", "350124", "350125", "350128", "350181")
] + [("township_officer", "350102001"), ("township_officer", "350102002")]


CAPACITY = -50  # marker: 50 users without think time


def _users(users: int) -> str:
    return "50，无思考时间" if users == CAPACITY else str(users)


@dataclass
class Result:
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    detail: str = ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], env: dict[str, str]) -> None:
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")


def prepare(url: str, data_dir: Path) -> tuple[dict[str, str], list[str]]:
    """Migrate, load the demo, and mint one API token per scope; returns the env and tokens."""
    env = os.environ | {"YINGJI_DATABASE_URL": url, "YINGJI_DATA_DIR": str(data_dir),
                        "YINGJI_SECRET_KEY": "bench-" + secrets.token_hex(8),
                        "YINGJI_ADMIN_PASSWORD": secrets.token_urlsafe(16)}
    _run([str(BIN / "yingji"), "db", "upgrade"], env)
    t = time.perf_counter()
    _run([str(BIN / "yingji"), "demo", "load"], env)
    print(f"  演示数据载入 {time.perf_counter() - t:.1f} s")
    from yingji.core.actions import create_token, create_user
    from yingji.core.auth import system_principal
    from yingji.core.db import Database
    from yingji.core.schemas import UserIn

    db = Database(url)
    tokens = []
    try:
        for i, (role, scope) in enumerate(SCOPES):
            with db.session() as s:
                user = create_user(s, system_principal(), UserIn(
                    username=f"load{i}_{secrets.token_hex(3)}", display_name="压测用户", role=role,
                    scope_code=scope, password=secrets.token_urlsafe(16)))
                tokens.append(create_token(s, system_principal(), user.id, "load")[1])
    finally:
        db.dispose()
    return env, tokens


def serve(env: dict[str, str], *, workers: int, baseline: bool,
          threads: int = 20) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = env | {"YINGJI_WORKERS": str(workers)}
    if baseline:
        env |= {"YINGJI_BUS_URL": "memory://", "YINGJI_CACHE_TTL": "0"}
    else:  # threads: workers × (threads + 15) connections stay well below PostgreSQL's 100
        env |= {"YINGJI_BUS_URL": REDIS_URL, "YINGJI_CACHE_URL": REDIS_URL, "YINGJI_THREADS": str(threads)}
    log = open(Path(env["YINGJI_DATA_DIR"]) / f"serve-{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([str(BIN / "yingji"), "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"yingji serve exited, see {log.name}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop(proc)
    raise SystemExit("yingji serve did not start within 90 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and its workers (own session)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def locust(url: str, tokens: list[str], users: int, duration: int, *, browser: bool, out: Path,
           think: str = "1,3") -> Result:
    env = os.environ | {"YINGJI_LOAD_TOKENS": ",".join(tokens), "YINGJI_LOAD_BROWSER": "1" if browser else "0",
                        "YINGJI_LOAD_THINK": think}
    prefix = out / f"u{users}{'b' if browser else 'p'}{think.replace(',', '-')}"
    done = subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                    "-u", str(users), "-r", str(users), "-t", f"{duration}s", "--host", url, "--csv", str(prefix),
                    "--only-summary", "--reset-stats", "--stop-timeout", "5", "--loglevel", "ERROR"],
                   env=env, cwd=ROOT, capture_output=True, text=True, timeout=duration + 120, check=False)
    with open(f"{prefix}_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["Name"] == "Aggregated")
    failures = Path(f"{prefix}_failures.csv")
    if int(row["Failure Count"]) and failures.exists():
        with open(failures, newline="") as fh:
            for f in list(csv.DictReader(fh))[:3]:
                print(f"    失败：{f.get('Occurrences')} × {f.get('Name')}：{f.get('Error', '')[:200]}")
    if int(row["Request Count"]) == 0:
        raise SystemExit(f"locust recorded no request (exit {done.returncode}):\n{done.stderr[-3000:]}")
    per = "；".join(f"{r['Name'].split()[0]} p95 {float(r['95%']):.0f} ms" for r in rows if r["Name"] != "Aggregated")
    return Result(requests=int(row["Request Count"]), failures=int(row["Failure Count"]),
                  rps=float(row["Requests/s"]), p50=float(row["50%"]), p95=float(row["95%"]), detail=per)


def measure(name: str, url_db: str, args: argparse.Namespace, work: Path) -> list[tuple[str, int, Result, Result]]:
    print(f"[{name}] 准备数据库 …")
    env, tokens = prepare(url_db, work / name)
    rows = []
    results: dict[tuple[bool, int], Result] = {}
    for baseline in (True, False):
        workers = 1 if baseline else args.workers
        proc, url = serve(env, workers=workers, baseline=baseline)
        try:
            if args.warmup:  # steady state: the same officers for a while, not recorded
                locust(url, tokens, min(args.users), args.warmup, browser=not baseline, out=work)
            for users in [*args.users, CAPACITY]:
                if users == CAPACITY:  # how much one set-up can serve: 50 users without think time
                    r = locust(url, tokens, 50, args.duration, browser=not baseline, out=work, think="0,0")
                else:
                    r = locust(url, tokens, users, args.duration, browser=not baseline, out=work)
                results[(baseline, users)] = r
                label = "基线：单进程" if baseline else f"部署：{workers} 进程 + 缓存"
                print(f"[{name}] {label:<16} {_users(users):>4} 用户  {r.rps:7.1f} 请求/秒  p50 {r.p50:6.0f} ms  "
                      f"p95 {r.p95:6.0f} ms  失败 {r.failures}/{r.requests}  （{r.detail}；"
                      f"负载均值 {os.getloadavg()[0]:.1f}）")
        finally:
            stop(proc)
    for users in [*args.users, CAPACITY]:
        base, new = results[(True, users)], results[(False, users)]
        rows.append((name, users, base, new))
        print(f"[{name}] {_users(users):>4} 用户：吞吐 {new.rps / base.rps:5.2f}×（{base.rps:.1f} → {new.rps:.1f} 请求/秒），"
              f"p95 {base.p95 / max(new.p95, 1):5.1f}× 更快（{base.p95:.0f} → {new.p95:.0f} ms）")
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=lambda s: [int(x) for x in s.split(",")], default=[50, 200])
    ap.add_argument("--duration", type=int, default=30, help="seconds of load per measurement")
    ap.add_argument("--warmup", type=int, default=15, help="seconds of unrecorded load before measuring")
    ap.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    ap.add_argument("--no-pg", action="store_true")
    ap.add_argument("--no-sqlite", action="store_true")
    args, _ = ap.parse_known_args()
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        print(f"需要 Redis（{REDIS_URL}）来运行多进程部署：{exc}")
        return 1
    print(f"负载基准：{','.join(map(str, args.users))} 个并发用户，各 {args.duration} s，思考时间 1–3 s，"
          f"风险一张图 + 隐患列表；基线 = 单进程（无缓存），部署 = {args.workers} 进程 + Redis + 缓存/gzip/304")
    work = Path(tempfile.mkdtemp(prefix="yingji-load-"))
    rows = []
    try:
        if not args.no_sqlite:
            rows += measure("SQLite", f"sqlite:///{work / 'load.db'}", args, work)
        if not args.no_pg:
            import psycopg

            plain = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
            dbname = "yingji_load_" + secrets.token_hex(4)
            try:
                with psycopg.connect(plain, autocommit=True, connect_timeout=3) as conn:
                    conn.execute(f'CREATE DATABASE "{dbname}"')
            except Exception as exc:  # noqa: BLE001
                print(f"[PostgreSQL] 跳过：无法连接（{exc}）")
            else:
                try:
                    rows += measure("PostgreSQL", PG_ADMIN.rsplit("/", 1)[0] + "/" + dbname, args, work)
                finally:
                    with psycopg.connect(plain, autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n| 数据库 | 用户 | 基线 请求/秒 | 基线 p95 | 部署 请求/秒 | 部署 p95 | 吞吐 × | p95 × |")
    print("|---|---|---|---|---|---|---|---|")
    for name, users, b, n in rows:
        print(f"| {name} | {_users(users)} | {b.rps:.1f} | {b.p95:.0f} ms | {n.rps:.1f} | {n.p95:.0f} ms | "
              f"{n.rps / b.rps:.2f}× | {b.p95 / max(n.p95, 1):.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
