"""Where the time goes: pyinstrument profiles of single requests, for the benchmark's report.

`python -m bench.profile requests DIR SCENARIO...` replays a scenario's request file in-process
(Django's test client, the same settings as the benchmarked server) and prints a profile of each;
`python -m bench.profile storm N` profiles N fresh candidates starting and submitting a mock.
Run by bench/run.py with the benchmark's environment.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpoa.settings")


def replay(client, line: str):
    """Send one line of a bench_setup request file through `client`."""
    method, path, cookie, csrf, body, htmx = line.split("\t")
    for part in cookie.split("; "):
        name, value = part.split("=", 1)
        client.cookies[name] = value
    headers = {"X-CSRFToken": csrf, **({"HX-Request": "true"} if htmx == "1" else {})}
    if method == "GET":
        return client.get(path, headers=headers)
    return client.post(path, body, content_type="application/x-www-form-urlencoded", headers=headers)


def _profile(label: str, work) -> str:
    from pyinstrument import Profiler

    profiler = Profiler()
    profiler.start()
    work()
    profiler.stop()
    return f"### {label}\n\n```\n{profiler.output_text(unicode=False, color=False)}```\n"


def profile_requests(folder: str, scenarios: list[str], count: int = 100) -> str:
    from django.test import Client

    out = []
    for scenario in scenarios:
        lines = [line for line in open(os.path.join(folder, f"{scenario}.tsv"), encoding="utf-8").read().split("\n")
                 if line]
        lines = (lines * (count // len(lines) + 2))[:count + 10]
        client = Client(SERVER_NAME="127.0.0.1")
        for line in lines[:10]:  # warm up: templates, connections
            replay(client, line)
        out.append(_profile(f"{scenario}: {count} requests in one process",
                            lambda: [replay(client, line) for line in lines[10:]]))
    return "\n".join(out)


def profile_storm(count: int) -> str:
    from django.contrib.auth import get_user_model

    from practice import services
    from practice.models import Blueprint

    blueprint = Blueprint.objects.get(slug="cpoa-mock-exam")
    users = [get_user_model().objects.create_user(f"profile-{n}-{os.getpid()}") for n in range(count)]
    attempts = []
    start = _profile(f"start_exam: {count} candidates",
                     lambda: attempts.extend(services.start_exam(user=u, blueprint=blueprint)[0] for u in users))
    submit = _profile(f"submit_attempt: {count} candidates",
                      lambda: [services.submit_attempt(attempt=a) for a in attempts])
    return start + "\n" + submit


if __name__ == "__main__":
    import django

    django.setup()
    if sys.argv[1] == "requests":
        print(profile_requests(sys.argv[2], sys.argv[3:]))
    else:
        print(profile_storm(int(sys.argv[2])))
