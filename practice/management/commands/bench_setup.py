"""Data for `make bench`: candidates with exams in progress and finished, and their request files.

Candidates are made here, not by HTTP sign-ups: each gets a logged-in session and a CSRF secret
written straight to the session store, one submitted mock (for the results and review pages) and
one in progress (for saves and question pages). `--storm-bank N` instead generates a bank of N
questions and candidates with no attempt yet, for the start-and-submit storm.
"""

import json
import random
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from practice import services
from practice.models import Blueprint, Response
from questions import services as bank_services
from questions.models import Choice, Domain, Question, QuestionStatus, QuestionVersion

BACKEND = "django.contrib.auth.backends.ModelBackend"
MOCK = "cpoa-mock-exam"


def _login(user) -> dict:
    """A session and CSRF secret for `user`, as a browser would hold them after logging in."""
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    csrf = secrets.token_urlsafe(24)[:32].replace("-", "a").replace("_", "b")
    return {"cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}",
            "csrf": csrf}


def _candidates(prefix: str, count: int) -> list:
    User = get_user_model()
    User.objects.filter(username__startswith=prefix).delete()
    password = "!" + secrets.token_hex(8)  # unusable for logging in by hand; sessions are made directly
    users = User.objects.bulk_create(User(username=f"{prefix}{n}", password=password) for n in range(count))
    return list(User.objects.filter(username__in=[u.username for u in users]).order_by("pk"))


def _answer_everything(attempt, rng: random.Random) -> None:
    entries = list(attempt.entries.all())
    for entry in entries:
        entry.selected_choice_id = rng.choice(entry.choice_order)
    Response.objects.bulk_update(entries, ["selected_choice_id"])


def _row(method: str, path: str, login: dict, body: str = "", htmx: bool = False) -> str:
    return "\t".join([method, path, login["cookie"], login["csrf"], body, "1" if htmx else "0"])


def generate_bank(size: int, rng: random.Random) -> None:
    """Published questions with versions, spread over the domains by the mock's weights."""
    domains = list(Domain.objects.order_by("number"))
    weights = [10 if d.number == 1 else 15 for d in domains]
    questions = Question.objects.bulk_create(
        Question(key=f"storm-{n:05d}", domain=rng.choices(domains, weights)[0], stem=f"Generated scenario {n}?",
                 explanation="Generated.", status=QuestionStatus.PUBLISHED, reference="POA Guide",
                 pattern=f"storm-pattern-{rng.randrange(size // 4)}")
        for n in range(size)
    )
    Choice.objects.bulk_create(
        Choice(question=q, text=f"Option {i} of {q.key}", is_correct=i == 0, rationale="Generated.", order=i)
        for q in questions for i in range(4)
    )
    for question in Question.objects.filter(key__startswith="storm-").prefetch_related("choices", "concepts"):
        bank_services.refresh_version(question)


class Command(BaseCommand):
    help = "Make benchmark candidates with exams and write their request files (for `make bench`)."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--candidates", type=int, default=300)
        parser.add_argument("--storm-bank", type=int, default=0, help="Generate a bank of this size for the storm.")

    def handle(self, *args, out: Path, candidates: int, storm_bank: int, **options):
        rng = random.Random(7)
        out.mkdir(parents=True, exist_ok=True)
        if storm_bank:
            with transaction.atomic():
                generate_bank(storm_bank, rng)
                users = _candidates("storm-", candidates)
            logins = [_login(u) for u in users]
            (out / "storm.json").write_text(json.dumps(logins), encoding="utf-8")
            self.stdout.write(f"{storm_bank} questions and {len(users)} storm candidates")
            return
        blueprint = Blueprint.objects.get(slug=MOCK)
        rows: dict[str, list[str]] = {name: [] for name in
                                      ("limit", "answer", "flag", "strike", "question", "overview", "results", "review")}
        users = _candidates("bench-", candidates)
        for user in users:
            with transaction.atomic():
                done, _ = services.start_exam(user=user, blueprint=blueprint, rng=rng)
                _answer_everything(done, rng)
                services.submit_attempt(attempt=done)
                attempt, _ = services.start_exam(user=user, blueprint=blueprint, rng=rng)
            login = _login(user)
            base = f"/attempts/{attempt.pk}"
            rows["limit"].append(_row("POST", "/bench/limit/", login, f"attempt={attempt.pk}", htmx=True))
            rows["overview"].append(_row("GET", f"{base}/overview/", login))
            rows["results"].append(_row("GET", f"/attempts/{done.pk}/results/", login))
            rows["review"].append(_row("GET", f"/attempts/{done.pk}/review/?show=all", login))
            for entry in attempt.entries.all():
                q = f"{base}/q/{entry.position}"
                choice = rng.choice(entry.choice_order)
                rows["answer"].append(_row("POST", f"{q}/answer/", login, f"choice={choice}", htmx=True))
                rows["flag"].append(_row("POST", f"{q}/flag/", login, f"flagged={rng.choice('01')}", htmx=True))
                rows["strike"].append(_row("POST", f"{q}/strike/", login, f"choice={choice}&struck=1", htmx=True))
                rows["question"].append(_row("GET", f"{q}/", login))
        for name, lines in rows.items():
            rng.shuffle(lines)  # candidates interleave, as in a real cohort
            (out / f"{name}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(users)} candidates with a submitted and an open mock; request files in {out}")
