"""Start the app with `streamlit run app.py` on a free local port, wait until it answers, always stop it.

One way to run the app headless for the browser tests (tests/browser/conftest.py) and the browser benchmarks
(scripts/benchmarks/), so a change to how the app is started is made once.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer {url}/_stcore/health within {seconds:g} s")


@contextlib.contextmanager
def streamlit_server(data: str | Path, log: Path | None = None, model: Path | None = None,
                     env: dict[str, str] | None = None, port: int | None = None):
    """The app on `data` (CHS_DATA; CHS_MODEL when `model` is given, else the repo's model.yaml; `env` on top), on
    `port` or a free one; yields its URL. Its output goes to `log` (shown when it does not start), else nowhere."""
    port = port or free_port()
    server_env = {**os.environ, "CHS_DATA": str(data), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    server_env.pop("CHS_MODEL", None)
    if model is not None:
        server_env["CHS_MODEL"] = str(model)
    server_env.update(env or {})
    with open(log if log is not None else os.devnull, "w+") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port)],
            cwd=REPO, env=server_env, stdout=out, stderr=subprocess.STDOUT, text=True)
        try:
            url = f"http://127.0.0.1:{port}"
            try:
                wait_healthy(url, server)
            except Exception as exc:
                out.seek(0)
                raise RuntimeError(f"streamlit did not start ({exc}); its log:\n{out.read()}") from exc
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
