"""The portal as production runs it, in child processes: gunicorn and a Celery worker on a given
database and Redis, with the production settings (DEBUG off, hashed static files) except that
the cookies are not `Secure` (the load comes over plain HTTP on loopback) and the URL conf adds
the limit views of `bench/limits.py`. Used by the load test and the fault tests.

    with portal(database_url, redis_url) as site:
        requests.get(site.url + "/healthz")
        site.worker.kill()          # SIGKILL, mid-task
        site.worker.start()
"""

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# The servers' secret: whoever prepares sessions for them signs with it (bench/load.py).
SECRET_KEY = "bench-only-secret-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"  # noqa: S105


def free_port() -> int:
    """A free port on loopback: any, or one of BENCH_PORTS ("18300-18399") on a machine shared
    with other runs, whose ports must not collide."""
    low, _dash, high = os.environ.get("BENCH_PORTS", "").partition("-")
    candidates = range(int(low), int(high or low) + 1) if low else [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError(f"bench: no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


# Ports already given to a server of this run that may not be listening yet.
_handed_out: set[int] = set()


def server_env(database_url: str, redis_url: str, static_root: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.server_settings",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        STATIC_ROOT=static_root,
        EMAIL_URL="memorymail://",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


@dataclass
class Process:
    """One child process that can be killed and started again with the same command."""

    name: str
    command: list[str]
    env: dict
    log_path: Path
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603 (our own interpreter's tools)
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def signal(self, signum: int) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signum)

    def kill(self) -> None:
        """SIGKILL to the whole process group: no warm shutdown, tasks die mid-way."""
        self.signal(signal.SIGKILL)
        if self.proc:
            self.proc.wait(timeout=30)

    def stop(self, timeout: float = 20) -> None:
        if not self.proc or self.proc.poll() is not None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@dataclass
class Portal:
    url: str
    web: Process
    worker: Process | None
    workdir: Path
    env: dict = field(repr=False)

    def wait_healthy(self, timeout: float = 60) -> None:
        wait_for(self.url + "/healthz", timeout=timeout, process=self.web)


def wait_for(url: str, *, timeout: float, process: Process | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process and process.proc and process.proc.poll() is not None:
            raise RuntimeError(f"bench: {process.name} exited:\n{process.log()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"bench: {url} did not become healthy in {timeout} s")


STATIC_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "thidua-bench"


def collected_static(env: dict) -> Path:
    """The static files collected as a deployment does (hashed names, compressed copies), kept
    between runs: compressing them all takes 20 s of CPU, more than a quick load run. The folder
    is named by a fingerprint of every source file, so any change collects afresh."""
    from django.contrib.staticfiles.finders import get_finders

    lines = sorted(
        f"{path}:{st.st_size}:{st.st_mtime_ns}"
        for finder in get_finders()
        for path, storage in finder.list([])
        for st in [os.stat(storage.path(path))]
    )
    fingerprint = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    target = STATIC_CACHE / f"static-{fingerprint}"
    if (target / "staticfiles.json").exists():
        return target
    STATIC_CACHE.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix="collecting-", dir=STATIC_CACHE))
    try:
        subprocess.run(  # noqa: S603
            [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={**env, "STATIC_ROOT": str(fresh)},
            check=True,
        )
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    try:
        fresh.rename(target)
    except OSError:  # another run collected the same files meanwhile
        shutil.rmtree(fresh, ignore_errors=True)
    return target


@contextmanager
def portal(
    database_url: str,
    redis_url: str,
    *,
    web_workers: int = 2,
    web_threads: int = 4,
    worker: bool = True,
    worker_concurrency: int = 1,
    **extra_env,
):
    """gunicorn (`web_workers` processes × `web_threads` threads) and, if asked, one Celery
    worker, on `database_url` and `redis_url`; both stopped on exit. Static files are collected
    first, as a deployment does (`collected_static`)."""
    workdir = Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    env = server_env(database_url, redis_url, "", **extra_env)
    env["STATIC_ROOT"] = str(collected_static(env))
    port = free_port()
    web = Process(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--config=config/gunicorn.py",  # production's worker class and timeouts
            f"--bind=127.0.0.1:{port}",
            f"--workers={web_workers}",
            f"--threads={web_threads}",
            "--log-level=warning",
        ],
        env,
        workdir / "gunicorn.log",
    )
    celery = None
    if worker:
        celery = Process(
            "celery worker",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                f"--concurrency={worker_concurrency}",
                "--pool=prefork",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env,
            workdir / "worker.log",
        )
    site = Portal(f"http://127.0.0.1:{port}", web, celery, workdir, env)
    try:
        web.start()
        if celery:
            celery.start()
        site.wait_healthy()
        yield site
    finally:
        if celery:
            celery.stop()
        web.stop()
        shutil.rmtree(workdir, ignore_errors=True)
