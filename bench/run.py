"""Side-by-side benchmark: concurrent answer saves on SQLite, tuned settings vs SQLite's defaults.

Each variant runs in its own process on a fresh database file: 4 candidates answer in 4 threads
through practice.services.record_answer (the code path of every autosave). Prints saves per
second, "database is locked" failures, and the ratio. Run with `make bench`.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time

THREADS = 4
SAVES_PER_THREAD = 150


def child(variant: str, db_path: str) -> dict:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpoa.settings")
    import django

    django.setup()
    from django.db import connections

    if variant == "defaults":
        # SQLite's own defaults: rollback journal, synchronous=FULL, deferred transactions.
        connections["default"].settings_dict["OPTIONS"] = {"timeout": 20}
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import OperationalError

    from practice import services
    from practice.models import Blueprint
    from questions.bank import load_bank

    call_command("migrate", verbosity=0)
    load_bank()
    blueprint = Blueprint.objects.get(slug="domain-2-sprint")
    attempts = []
    for n in range(THREADS):
        user = get_user_model().objects.create_user(f"bench{n}", password="x")
        attempts.append(services.start_exam(user=user, blueprint=blueprint)[0])
    plans = [[(e.position, e.choice_order) for e in a.entries.all()] for a in attempts]
    connections.close_all()
    errors, saves = [], [0] * THREADS
    barrier = threading.Barrier(THREADS)

    def work(index):
        barrier.wait()
        attempt, plan = attempts[index], plans[index]
        for i in range(SAVES_PER_THREAD):
            position, order = plan[i % len(plan)]
            try:
                services.record_answer(attempt=attempt, position=position, choice_id=order[i % len(order)])
                saves[index] += 1
            except OperationalError as error:
                errors.append(str(error))
        connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {"variant": variant, "saves": sum(saves), "seconds": round(elapsed, 3),
            "saves_per_second": round(sum(saves) / elapsed, 1), "locked_errors": len(errors)}


def main() -> None:
    if len(sys.argv) == 3:
        print(json.dumps(child(sys.argv[1], sys.argv[2])))
        return
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for variant in ("defaults", "tuned"):
            out = subprocess.run([sys.executable, "-m", "bench.run", variant, os.path.join(tmp, f"{variant}.db")],
                                 capture_output=True, text=True, check=True)
            results[variant] = json.loads(out.stdout.strip().splitlines()[-1])
    for r in results.values():
        print(f"{r['variant']:>9}: {r['saves']} saves in {r['seconds']} s = {r['saves_per_second']} saves/s, "
              f"{r['locked_errors']} 'database is locked' errors")
    ratio = results["tuned"]["saves_per_second"] / results["defaults"]["saves_per_second"]
    print(f"ratio tuned/defaults: {ratio:.2f}x")


if __name__ == "__main__":
    main()
