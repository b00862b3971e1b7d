"""Locust file for the storm: every candidate starts a 60-question mock at the same moment, then all
submit together. Run by bench/run.py (`locust --headless -u N -r N`); one locust user per candidate
in STORM_LOGINS (written by `manage.py bench_setup --storm-bank`).

Each user waits until all have spawned, fires its start, waits for every other start to finish,
then fires its submit: two synchronised waves, reported as "start" and "submit".
"""

import json
import os
import re

import gevent.lock
from gevent.event import Event
from locust import HttpUser, events, task
from locust.exception import StopUser

LOGINS = json.loads(open(os.environ["STORM_LOGINS"], encoding="utf-8").read())
EVERYONE = len(LOGINS)
ATTEMPT = re.compile(r"/attempts/(\d+)/")
_lock = gevent.lock.Semaphore()
_state = {"spawned": 0, "started": 0, "submitted": 0}
all_spawned, all_started = Event(), Event()


def _count(name: str, gate: Event) -> None:
    with _lock:
        _state[name] += 1
        if _state[name] >= EVERYONE:
            gate.set()


class Candidate(HttpUser):
    wait_time = staticmethod(lambda: 0)

    def on_start(self):
        with _lock:
            self.login = LOGINS[_state["spawned"] % EVERYONE]
        _count("spawned", all_spawned)

    def _headers(self) -> dict:
        return {"Cookie": self.login["cookie"], "X-CSRFToken": self.login["csrf"]}

    @task
    def start_then_submit(self):
        all_spawned.wait()
        with self.client.post("/exams/cpoa-mock-exam/start/", headers=self._headers(), name="start",
                              allow_redirects=False, catch_response=True) as response:
            match = ATTEMPT.search(response.headers.get("Location", ""))
            if response.status_code != 302 or not match:
                response.failure(f"start answered {response.status_code}")
        _count("started", all_started)
        all_started.wait()
        if match:
            with self.client.post(f"/attempts/{match[1]}/submit/", data={"confirm": "on"}, headers=self._headers(),
                                  name="submit", allow_redirects=False, catch_response=True) as response:
                if response.status_code != 302:
                    response.failure(f"submit answered {response.status_code}")
        _count("submitted", Event())
        if _state["submitted"] >= EVERYONE:
            self.environment.runner.quit()
        raise StopUser()


@events.quitting.add_listener
def _report(environment, **kwargs):
    environment.process_exit_code = 0 if not environment.stats.total.num_failures else 1
