"""`make bench`: the site under load on a production-like stack, every scenario as a ratio to the limit.

From scratch on this machine: a fresh database (SQLite by default, PostgreSQL when DATABASE_URL
says so), the shipped bank, candidates with exams made by `manage.py bench_setup`, gunicorn with
debug off and the production configuration, and wrk on 127.0.0.1 replaying their requests. Each
scenario runs right after the limit endpoint (`bench/limit.py`), A/B interleaved over ROUNDS
rounds, at 8 and 32 connections; its ratio is taken against the limit run beside it, and the
median over rounds is the headline. Then the start and submit storm (`bench/storm.py`, locust)
on a generated bank. Writes bench/results/<database>.md and .json.
"""

import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SCENARIOS = ["answer", "flag", "strike", "question", "overview", "results", "review"]
CONNECTIONS = [8, 32]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CANDIDATES = int(os.environ.get("BENCH_CANDIDATES", "300"))
STORM_CANDIDATES = int(os.environ.get("BENCH_STORM_CANDIDATES", "500"))
STORM_BANK = int(os.environ.get("BENCH_STORM_BANK", "10000"))
TARGETS = {"answer": 0.6, "question": 0.5}
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """A fresh database and a gunicorn serving it, with the environment every command shares."""

    def __init__(self, tmp: Path, name: str):
        self.tmp, self.port = tmp, free_port()
        url = os.environ.get("DATABASE_URL", "")
        self.postgres = url.startswith("postgres")
        if self.postgres:
            self.url = url.rsplit("/", 1)[0] + f"/cpoa_bench_{name}"
            admin = url.rsplit("/", 1)[0] + "/postgres"
            db = self.url.rsplit("/", 1)[1]
            subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {db}"], check=True)
            subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {db}"], check=True)
        else:
            self.url = f"sqlite:///{tmp / f'{name}.sqlite3'}"
        self.env = {**os.environ, "DATABASE_URL": self.url, "DJANGO_DEBUG": "0",
                    "DJANGO_SECRET_KEY": "bench-" + os.urandom(16).hex(), "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                    "DJANGO_SECURE_SSL_REDIRECT": "0", "CPOA_BENCH_LIMIT": "1",
                    "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_ACCESS_LOG": str(tmp / f"{name}-access.log"),
                    "GUNICORN_LOG_LEVEL": "warning"}
        self.server = None

    def manage(self, *args: str) -> str:
        return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
                              capture_output=True, text=True).stdout

    def start(self) -> None:
        self.server = subprocess.Popen([PYTHON, "-m", "gunicorn", "-c", "cpoa/gunicorn.conf.py", "cpoa.wsgi"],
                                       cwd=ROOT, env=self.env)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not become ready")

    def stop(self) -> None:
        if self.server:
            self.server.terminate()
            self.server.wait(20)


def wrk(stack: Stack, requests: Path, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{SECONDS}s", "--timeout", "10s",
         "-s", str(ROOT / "bench" / "wrk" / "requests.lua"), f"http://127.0.0.1:{stack.port}"],
        env={**os.environ, "BENCH_REQUESTS": str(requests)}, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def load_scenarios(stack: Stack) -> dict:
    data = stack.tmp / "requests"
    stack.manage("migrate", "--noinput")
    stack.manage("collectstatic", "--noinput")
    stack.manage("load_bank")
    stack.manage("bench_setup", "--out", str(data), "--candidates", str(CANDIDATES))
    stack.start()
    runs: dict = {f"{s}@{c}": [] for s in SCENARIOS for c in CONNECTIONS}
    try:
        for round_ in range(1, ROUNDS + 1):
            for connections in CONNECTIONS:
                for scenario in SCENARIOS:
                    limit = wrk(stack, data / "limit.tsv", connections)
                    result = wrk(stack, data / f"{scenario}.tsv", connections)
                    result.update(round=round_, limit_rps=limit["rps"], limit=limit,
                                  ratio=result["rps"] / limit["rps"] if limit["rps"] else 0.0)
                    runs[f"{scenario}@{connections}"].append(result)
                    print(f"round {round_} {scenario:>8} @{connections:<2}: {result['rps']:7.1f}/s "
                          f"(limit {limit['rps']:7.1f}/s, {result['ratio']:.2f}x) p99 {result['p99_ms']:.0f} ms",
                          flush=True)
    finally:
        stack.stop()
    PROFILES.append(profile(stack, "requests", str(data), "limit", "answer", "question"))
    return runs


PROFILES: list[str] = []


def profile(stack: Stack, *args: str) -> str:
    """pyinstrument profiles (bench/profile.py) run with the benchmarked server's settings."""
    return subprocess.run([PYTHON, "-m", "bench.profile", *args], cwd=ROOT, env=stack.env, check=True,
                          capture_output=True, text=True).stdout


def storm(stack: Stack) -> dict:
    data = stack.tmp / "storm"
    stack.manage("migrate", "--noinput")
    stack.manage("load_bank")
    stack.manage("bench_setup", "--out", str(data), "--candidates", str(STORM_CANDIDATES),
                 "--storm-bank", str(STORM_BANK))
    stack.start()
    try:
        prefix = str(data / "locust")
        subprocess.run(
            [PYTHON, "-m", "locust", "-f", str(ROOT / "bench" / "storm.py"), "--headless", "--only-summary",
             "-u", str(STORM_CANDIDATES), "-r", str(STORM_CANDIDATES), "--run-time", "180s", "--stop-timeout", "30",
             "--host", f"http://127.0.0.1:{stack.port}", "--csv", prefix],
            env={**os.environ, "STORM_LOGINS": str(data / "storm.json")}, cwd=ROOT, capture_output=True, text=True)
    finally:
        stack.stop()
    submitted = stack.manage("shell", "--no-imports", "-c", "from practice.models import Attempt; print(Attempt.objects.filter("
                             "user__username__startswith='storm-', status='submitted').count())").strip()
    PROFILES.append(profile(stack, "storm", "5"))
    rows = {}
    import csv
    with open(prefix + "_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] in ("start", "submit"):
                rows[row["Name"]] = {"requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
                                     "p50_ms": float(row["50%"]), "p95_ms": float(row["95%"]),
                                     "p99_ms": float(row["99%"]), "max_ms": float(row["Max Response Time"])}
    if "submit" in rows:
        rows["submit"]["submitted_in_database"] = int(submitted)
    return rows


def machine(stack: Stack) -> dict:
    versions = subprocess.run(
        [PYTHON, "-c", "import django, gunicorn; print(django.__version__, gunicorn.__version__)"],
        capture_output=True, text=True, check=True).stdout.split()
    database = "PostgreSQL" if stack.postgres else "SQLite (WAL, synchronous=NORMAL, IMMEDIATE)"
    if stack.postgres:
        database += " " + subprocess.run(["psql", stack.url, "-tAc", "SHOW server_version"], capture_output=True,
                                         text=True).stdout.strip()
    else:
        import sqlite3
        database += " " + sqlite3.sqlite_version
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0]
    return {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "django": versions[0], "gunicorn": versions[1], "database": database, "load_generator": wrk_version,
            "gunicorn_workers": int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2)),
            "settings": "DJANGO_DEBUG=0, cached template loader, gunicorn -c cpoa/gunicorn.conf.py (sync workers)",
            "candidates": CANDIDATES, "rounds": ROUNDS, "seconds_per_run": SECONDS}


def summarise(runs: dict) -> dict:
    summary = {}
    for name, results in runs.items():
        summary[name] = {
            "rps": statistics.median(r["rps"] for r in results),
            "limit_rps": statistics.median(r["limit_rps"] for r in results),
            "ratio": statistics.median(r["ratio"] for r in results),
            "p50_ms": statistics.median(r["p50_ms"] for r in results),
            "p95_ms": statistics.median(r["p95_ms"] for r in results),
            "p99_ms": statistics.median(r["p99_ms"] for r in results),
            "errors": sum(sum(r["errors"].values()) for r in results),
        }
    return summary


def verdicts(summary: dict, storm_rows: dict) -> list[str]:
    lines = []
    for connections in CONNECTIONS if summary else []:
        for scenario, target in TARGETS.items():
            row = summary[f"{scenario}@{connections}"]
            met = row["ratio"] >= target
            lines.append(f"{scenario} at {connections} connections: {row['ratio']:.2f}x the limit "
                         f"(target {target}x): {'met' if met else 'NOT met'}")
    if summary:
        p99 = summary["answer@32"]["p99_ms"]
        lines.append(f"answer save p99 at 32 connections: {p99:.0f} ms (target under 100 ms): "
                     f"{'met' if p99 < 100 else 'NOT met'}")
    for name, row in storm_rows.items():
        served = row.get("submitted_in_database", row["requests"])
        ok = row["errors"] == 0 and row["p99_ms"] < 3000 and served == STORM_CANDIDATES
        lines.append(f"{name} storm: {served} served, {row['errors']} errors, p99 {row['p99_ms']:.0f} ms "
                     f"(target: all served, no error, p99 under 3 s): {'met' if ok else 'NOT met'}")
    return lines


def report(info: dict, summary: dict, storm_rows: dict, runs: dict) -> str:
    lines = ["# Benchmark", "", "| machine | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    lines += ["", "Medians over rounds; the ratio is each run's requests/s over the limit run just before it.", "",
              "| scenario | connections | requests/s | limit/s | ratio | p50 ms | p95 ms | p99 ms | errors |",
              "|---|---|---|---|---|---|---|---|---|"]
    for name, row in summary.items():
        scenario, connections = name.split("@")
        lines.append(f"| {scenario} | {connections} | {row['rps']:.0f} | {row['limit_rps']:.0f} | "
                     f"{row['ratio']:.2f}x | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} | "
                     f"{row['errors']} |")
    lines += ["", f"## Storm: {STORM_CANDIDATES} candidates start a 60-question mock together on a bank of "
              f"{STORM_BANK} questions, then submit together", "",
              "| phase | requests | errors | p50 ms | p95 ms | p99 ms | max ms |", "|---|---|---|---|---|---|---|"]
    for name, row in storm_rows.items():
        lines.append(f"| {name} | {row['requests']} | {row['errors']} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | "
                     f"{row['p99_ms']:.0f} | {row['max_ms']:.0f} |")
    if "submit" in storm_rows:
        lines += ["", f"Submitted storm attempts in the database afterwards: "
                      f"{storm_rows['submit']['submitted_in_database']} of {STORM_CANDIDATES}."]
    lines += ["", "## Targets", ""] + [f"- {line}" for line in verdicts(summary, storm_rows)]
    lines += ["", "## Where the time goes (pyinstrument, one process, the same settings)", ""] + PROFILES
    return "\n".join(lines) + "\n"


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk).")
    RESULTS.mkdir(parents=True, exist_ok=True)
    only = os.environ.get("BENCH_ONLY", "")  # "load" or "storm" to run one part
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp), "load")
        info = machine(stack)
        runs = load_scenarios(stack) if only != "storm" else {}
        storm_rows = storm(Stack(Path(tmp), "storm")) if only != "load" else {}
    summary = summarise(runs)
    name = "postgresql" if stack.postgres else "sqlite"
    text = report(info, summary, storm_rows, runs)
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"{name}.json").write_text(json.dumps(
        {"machine": info, "summary": summary, "storm": storm_rows, "runs": runs}, indent=2), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
