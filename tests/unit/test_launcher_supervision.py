"""The supervisor's pure parts: back-off, who holds a port, what `./houqin status` prints."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import supervisor


def test_backoff_doubles_from_one_second_up_to_thirty() -> None:
    assert [supervisor.backoff_delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_taken_port_names_the_process_holding_it() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        holder = supervisor.port_holder(port)
        assert holder is not None
        assert holder.startswith(f"pid {os.getpid()} ")
    assert supervisor.port_holder(port) is None


def test_status_lists_every_process_with_state_restarts_and_port(tmp_path: Path) -> None:
    (tmp_path / supervisor.STATE_FILE).write_text(
        json.dumps(
            {
                "launcher_pid": os.getpid(),
                "processes": [
                    {
                        "name": "tickets-worker",
                        "pid": os.getpid(),
                        "state": "running",
                        "restarts": 2,
                        "port": 1,
                        "since": 0,
                    },
                    {
                        "name": "feedback-api",
                        "pid": 2**22 + 7,
                        "state": "running",
                        "restarts": 0,
                        "port": 2,
                        "since": 0,
                    },
                ],
            }
        )
    )
    lines = supervisor.status_lines(tmp_path)
    assert lines[0].startswith("launcher  running")
    assert lines[1].split()[:8] == [
        "tickets-worker",
        "running",
        "port",
        "1",
        "pid",
        str(os.getpid()),
        "restarts",
        "2",
    ]
    assert lines[2].split()[:2] == ["feedback-api", "stopped"]


def test_status_without_a_launcher(tmp_path: Path) -> None:
    assert supervisor.status_lines(tmp_path) == ["launcher  never started here"]


def test_stop_ends_processes_a_killed_launcher_left_but_no_pid_reused_since(
    tmp_path: Path,
) -> None:
    import subprocess
    import time

    left = subprocess.Popen(["sleep", "300"])
    other = subprocess.Popen(["sleep", "301"])
    try:
        rows = [
            {"name": "tickets-worker", "pid": left.pid, "cmd": "sleep 300", "port": 1,
             "state": "running", "restarts": 0},
            {"name": "tickets-relay", "pid": other.pid, "cmd": "python -m tickets relay",
             "port": 2, "state": "running", "restarts": 0},
        ]  # fmt: skip
        (tmp_path / supervisor.STATE_FILE).write_text(
            json.dumps({"launcher_pid": 0, "processes": rows})
        )
        supervisor.stop_launcher(tmp_path)
        assert left.wait(timeout=10) == -15
        time.sleep(0.2)
        assert other.poll() is None  # its pid now belongs to another program: left alone
    finally:
        for p in (left, other):
            p.kill()
            p.wait()
