import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from practice import services
from practice.models import Attempt, AttemptStatus
from tests.conftest import fill_bank

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def exam(user, small_blueprint):
    fill_bank({2: 6})
    attempt, _ = services.start_exam(user=user, blueprint=small_blueprint)
    return attempt


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def url(name, attempt, position=None):
    args = [attempt.pk] + ([position] if position else [])
    return reverse(f"practice:{name}", args=args)


def answer_key_fragments(attempt):
    """Every piece of text that would give the answer away before submission."""
    fragments = []
    for entry in attempt.entries.select_related("version"):
        fragments.append(entry.version.explanation)
        fragments += [c["rationale"] for c in entry.version.choices]
    return fragments


def test_pages_need_a_login(client, exam):
    response = client.get(url("question", exam, 1))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_signup_logs_in_and_validates_passwords(client):
    bad = client.post(reverse("signup"), {"username": "ann", "password1": "123", "password2": "123"})
    assert bad.status_code == 200 and "This password is too short" in bad.content.decode()
    good = client.post(reverse("signup"), {"username": "ann", "password1": "a-Sturdy-pass-42",
                                           "password2": "a-Sturdy-pass-42"})
    assert good.status_code == 302
    assert client.get(reverse("practice:dashboard")).status_code == 200


def test_start_exam_is_a_post_that_creates_one_attempt_and_resumes_it(logged_in, user, small_blueprint):
    fill_bank({2: 6})
    start = reverse("practice:start_exam", args=[small_blueprint.slug])
    assert logged_in.get(start).status_code == 405
    first = logged_in.post(start)
    second = logged_in.post(start)
    assert first["Location"] == second["Location"]
    assert Attempt.objects.filter(user=user).count() == 1


def test_start_exam_says_which_domain_is_short(logged_in, mock_blueprint):
    fill_bank({1: 6, 2: 3, 3: 9, 4: 9, 5: 9, 6: 9, 7: 9})
    response = logged_in.post(reverse("practice:start_exam", args=[mock_blueprint.slug]))
    assert response.status_code == 409
    assert "Cultivate Customer Intimacy: 3 available, 9 needed" in response.content.decode()
    assert not Attempt.objects.exists()


def test_someone_elses_attempt_is_a_404(client, other_user, exam):
    client.force_login(other_user)
    for name, position in [("question", 1), ("overview", None), ("result", None), ("review", None)]:
        assert client.get(url(name, exam, position)).status_code == 404
    response = client.post(url("answer", exam, 1), {"choice": exam.entries.get(position=1).choice_order[0]})
    assert response.status_code == 404
    assert not exam.entries.filter(selected_choice_id__isnull=False).exists()


def test_question_page_never_contains_the_answer_key(logged_in, exam):
    correct_ids = {e.version.correct_choice_id for e in exam.entries.select_related("version")}
    for position in range(1, 7):
        html = logged_in.get(url("question", exam, position)).content.decode()
        for fragment in answer_key_fragments(exam):
            assert fragment not in html
        assert "correct" not in html.lower()
        assert "rationale" not in html.lower()
        # Every option is marked up alike: nothing singles out the right one.
        assert set(re.findall(r'<div class="(choice[^"]*)"', html)) == {"choice"}
    for fragment in [logged_in.post(url("answer", exam, 1), {"choice": exam.entries.get(position=1).choice_order[0]},
                                    headers=HX).content.decode(),
                     logged_in.post(url("flag", exam, 1), {"flagged": "1"}, headers=HX).content.decode(),
                     logged_in.get(url("overview", exam)).content.decode()]:
        assert not any(f in fragment for f in answer_key_fragments(exam))
        assert "correct" not in fragment.lower()
    assert correct_ids


def test_answer_with_htmx_returns_the_saved_fragment_and_event(logged_in, exam):
    choice = exam.entries.get(position=2).choice_order[1]
    response = logged_in.post(url("answer", exam, 2), {"choice": choice}, headers=HX)
    assert response.status_code == 200
    assert "Answer saved" in response.content.decode()
    html = response.content.decode()
    # Only what changed goes back: this position's navigator cell, out of band.
    assert 'id="navigator"' not in html
    assert re.search(r'<li id="nav-2" hx-swap-oob="true"><a href="%s"\s+class="nav-item answered current"'
                     % re.escape(url("question", exam, 2)), html)
    assert len(re.findall(r"<li ", html)) == 1
    assert 'nav-summary' not in html  # the page recounts it from the cells
    assert "answer-saved" in json.loads(response["HX-Trigger"])
    assert exam.entries.get(position=2).selected_choice_id == choice


def test_navigator_links_are_the_question_urls(logged_in, exam):
    html = logged_in.get(url("question", exam, 1)).content.decode()
    links = re.findall(r'<li id="nav-(\d+)"><a href="([^"]+)"', html)
    assert [int(p) for p, _ in links] == list(range(1, 7))
    assert all(href == url("question", exam, int(p)) for p, href in links)


def test_answer_without_javascript_posts_and_redirects(logged_in, exam):
    choice = exam.entries.get(position=2).choice_order[0]
    response = logged_in.post(url("answer", exam, 2), {"choice": choice})
    assert response.status_code == 302 and response["Location"] == url("question", exam, 2)
    assert exam.entries.get(position=2).selected_choice_id == choice


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Choose one of the options before saving."),
        ({"choice": "abc"}, "That option is not valid."),
        ({"choice": "999999"}, "That option does not belong to this question."),
    ],
)
def test_bad_answers_get_a_clear_400_and_change_nothing(logged_in, exam, data, message):
    response = logged_in.post(url("answer", exam, 1), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not exam.entries.filter(selected_choice_id__isnull=False).exists()


def test_a_choice_of_another_question_is_refused(logged_in, exam):
    other = exam.entries.get(position=2).choice_order[0]
    response = logged_in.post(url("answer", exam, 1), {"choice": other}, headers=HX)
    assert response.status_code == 400
    assert "does not belong to this question" in response.content.decode()
    assert exam.entries.get(position=1).selected_choice_id is None


def test_position_out_of_range_is_a_404(logged_in, exam):
    assert logged_in.get(url("question", exam, 7)).status_code == 404
    response = logged_in.post(url("answer", exam, 99), {"choice": "1"})
    assert response.status_code == 404


def test_bad_flag_value_is_refused(logged_in, exam):
    response = logged_in.post(url("flag", exam, 1), {"flagged": "maybe"})
    assert response.status_code == 400
    assert not exam.entries.filter(flagged=True).exists()


def test_post_to_a_finished_attempt_is_refused_with_a_message(logged_in, exam):
    services.submit_attempt(attempt=exam)
    choice = exam.entries.get(position=1).choice_order[0]
    response = logged_in.post(url("answer", exam, 1), {"choice": choice})
    assert response.status_code == 409
    assert "already been submitted" in response.content.decode()
    htmx = logged_in.post(url("flag", exam, 1), {"flagged": "1"}, headers=HX)
    assert htmx.status_code == 409 and htmx["HX-Redirect"] == url("result", exam)
    assert not exam.entries.filter(selected_choice_id__isnull=False).exists()


def test_late_answer_after_grace_says_time_is_up(logged_in, exam, settings):
    choice = exam.entries.get(position=1).choice_order[0]
    with time_machine.travel(exam.deadline + timedelta(seconds=settings.EXAM_GRACE_SECONDS + 2)):
        response = logged_in.post(url("answer", exam, 1), {"choice": choice}, headers=HX)
    assert response.status_code == 409
    assert "Time is up" in response.content.decode()
    exam.refresh_from_db()
    assert exam.status == AttemptStatus.EXPIRED
    assert exam.entries.get(position=1).selected_choice_id is None


def test_submit_needs_confirmation_and_scores_once(logged_in, exam):
    refused = logged_in.post(url("submit", exam), {})
    assert refused.status_code == 400 and "Tick the box to confirm" in refused.content.decode()
    exam.refresh_from_db()
    assert exam.status == AttemptStatus.IN_PROGRESS
    first = logged_in.post(url("submit", exam), {"confirm": "on"})
    second = logged_in.post(url("submit", exam), {"confirm": "on"}, headers=HX)
    assert first["Location"] == url("result", exam)
    assert second["HX-Redirect"] == url("result", exam)
    exam.refresh_from_db()
    assert exam.status == AttemptStatus.SUBMITTED


def test_the_timer_shows_the_servers_remaining_time(logged_in, exam):
    with time_machine.travel(exam.started_at + timedelta(minutes=4), tick=False):
        html = logged_in.get(url("question", exam, 1)).content.decode()
    seconds = int(re.search(r'data-seconds-left="(\d+)"', html).group(1))
    assert seconds == 6 * 60  # 10-minute blueprint, 4 minutes gone: a reload gives nothing back


def test_extended_time_is_announced_on_the_exam_page(client, small_blueprint):
    from practice.models import CandidateProfile
    from tests.factories import UserFactory
    fill_bank({2: 6})
    user = UserFactory()
    CandidateProfile.objects.create(user=user, time_allowance="2.00")
    client.force_login(user)
    client.post(reverse("practice:start_exam", args=[small_blueprint.slug]))
    attempt = Attempt.objects.get(user=user)
    html = client.get(url("question", attempt, 1)).content.decode()
    assert "extended-time allowance" in html and "×2" in html


def test_overview_lists_unanswered_and_flagged(logged_in, exam):
    services.record_answer(attempt=exam, position=1, choice_id=exam.entries.get(position=1).choice_order[0])
    services.set_flag(attempt=exam, position=4, flagged=True)
    html = logged_in.get(url("overview", exam)).content.decode()
    assert "<strong>1</strong> of 6 answered" in html
    assert "<strong>5</strong> unanswered" in html
    assert "<strong>1</strong> flagged" in html


def test_query_budget_of_question_page_and_saves_does_not_grow_with_exam_length(
        logged_in, user, mock_blueprint, full_bank, django_assert_max_num_queries):
    attempt, _ = services.start_exam(user=user, blueprint=mock_blueprint)
    logged_in.get(url("question", attempt, 1))
    # Budget: session, user, entry with its attempt and version, enter-position (2 updates in one
    # transaction: a savepoint and its release under the test's own transaction), navigator.
    with django_assert_max_num_queries(8):
        assert logged_in.get(url("question", attempt, 30)).status_code == 200
    choice = attempt.entries.get(position=30).choice_order[0]
    # Budget (was 12): session, user, savepoint, the entry with its attempt read once under the lock,
    # event insert, entry update, release. Nothing reads the navigator any more.
    with django_assert_max_num_queries(7):
        assert logged_in.post(url("answer", attempt, 30), {"choice": choice}, headers=HX).status_code == 200
    with django_assert_max_num_queries(7):
        assert logged_in.post(url("flag", attempt, 30), {"flagged": "1"}, headers=HX).status_code == 200
    # A strike re-renders the options, so it also reads the question's version.
    with django_assert_max_num_queries(7):
        assert logged_in.post(url("strike", attempt, 30), {"choice": choice, "struck": "1"},
                              headers=HX).status_code == 200


def test_dashboard_and_home(client, logged_in):
    assert logged_in.get(reverse("home")).status_code == 302
    assert "Start CPOA mock exam" in logged_in.get(reverse("practice:dashboard")).content.decode()
    client.logout()
    assert "CPOA mock exam" in client.get(reverse("home")).content.decode()
