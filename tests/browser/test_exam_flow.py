"""A candidate takes a mock exam in Chromium: answers, flags, reloads, navigates, submits, reviews."""

import re

import pytest
from playwright.sync_api import expect

from practice.models import Attempt, AttemptStatus
from tests.browser.conftest import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seconds_shown(page) -> int:
    text = page.locator("#timer-display").inner_text()
    parts = [int(p) for p in text.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def test_full_mock_exam_in_the_browser(page, live_server, bank, assert_accessible):
    sign_up(page, live_server.url)
    assert_accessible(page, "dashboard")
    page.get_by_role("button", name="Start CPOA mock exam").click()
    page.wait_for_url("**/q/1/")  # waits for "load", so htmx handles the first click
    expect(page.get_by_role("heading", name="Question 1 of 60")).to_be_visible()
    assert 85 * 60 < seconds_shown(page) <= 90 * 60
    assert_accessible(page, "exam question")

    # Answer question 1 with the keyboard only, and see it saved (never judged).
    first_option = page.locator("#answer-form input[type=radio]").first
    first_option.focus()
    with page.expect_response("**/answer/"):
        page.keyboard.press("Space")
    expect(page.locator("#save-status")).to_contain_text("Answer saved")
    expect(page.locator("#save-status")).not_to_contain_text(re.compile("correct", re.I))
    expect(page.locator("#navigator a").first).to_have_class(re.compile("answered"))
    # The save returned only its own cell; the page recounts the summary line from the cells.
    expect(page.locator("#nav-summary")).to_have_text("1 of 60 answered · 0 flagged")

    # Change the answer with the arrow key, then flag the question.
    with page.expect_response("**/answer/"):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#save-status")).to_contain_text("Answer saved")
    second_value = page.locator("#answer-form input[type=radio]").nth(1).get_attribute("value")
    with page.expect_response("**/flag/"):
        page.get_by_role("button", name="Flag for review").click()
    expect(page.locator("#save-status")).to_contain_text("Flagged for review")
    expect(page.get_by_role("button", name=re.compile("remove flag"))).to_be_visible()
    expect(page.locator("#nav-summary")).to_have_text("1 of 60 answered · 1 flagged")

    # Strike out an option as a visual aid.
    page.get_by_role("button", name="Strike out option D").click()
    expect(page.locator(".choice.struck")).to_have_count(1)

    # Next question, answer it.
    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_role("heading", name="Question 2 of 60")).to_be_visible()
    with page.expect_response("**/answer/"):
        page.locator("#answer-form label").nth(2).click()
    expect(page.locator("#save-status")).to_contain_text("Answer saved")

    # A reload gives nothing back: answers, flag and clock are the server's.
    before = seconds_shown(page)
    page.wait_for_timeout(1200)
    page.goto(page.url.replace("/q/2/", "/q/1/"))
    expect(page.locator(f"#answer-form input[value='{second_value}']")).to_be_checked()
    expect(page.get_by_role("button", name=re.compile("remove flag"))).to_be_visible()
    expect(page.locator(".choice.struck")).to_have_count(1)
    assert seconds_shown(page) < before

    # Hide the timer, as in a test centre; it stays hidden across pages.
    page.get_by_role("button", name="Hide timer").click()
    expect(page.locator("#timer-display")).to_have_text("hidden")

    # Use the navigator to jump to question 45.
    page.get_by_role("link", name=re.compile(r"^45\W+unanswered")).click()
    expect(page.get_by_role("heading", name="Question 45 of 60")).to_be_visible()

    # The review screen lists unanswered and flagged positions.
    page.get_by_role("link", name="Review and submit").first.click()
    expect(page.locator(".summary")).to_contain_text("2 of 60 answered")
    expect(page.locator(".summary")).to_contain_text("58 unanswered")
    expect(page.locator(".summary")).to_contain_text("1 flagged")
    assert_accessible(page, "review before submitting")

    # Submitting needs the confirmation.
    page.get_by_role("button", name="Submit exam").click()
    assert "/overview/" in page.url  # the required checkbox stops it in the browser
    page.get_by_label(re.compile("I have finished")).check()
    page.get_by_role("button", name="Submit exam").click()
    page.wait_for_url("**/results/")
    expect(page.get_by_role("heading", name="Score per domain")).to_be_visible()
    expect(page.locator("table.scores").first).to_contain_text("Cultivate Customer Intimacy")
    assert_accessible(page, "results")
    attempt = Attempt.objects.get()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.question_count == 60

    # Review a missed question with its explanation and every rationale.
    page.get_by_role("link", name="Review missed questions").click()
    first = page.locator("article.review-item").first
    expect(first.locator(".tag.good").first).to_contain_text("Best answer")
    expect(first.locator(".rationale")).to_have_count(4)
    expect(first.get_by_role("heading", name="Explanation")).to_be_visible()
    assert_accessible(page, "review")

    page.goto(f"{live_server.url}/history/")
    expect(page.get_by_role("heading", name="All attempts, newest first")).to_be_visible()
    assert_accessible(page, "history")


def test_a_save_that_fails_is_retried_until_it_succeeds(page, live_server, bank):
    sign_up(page, live_server.url, "flaky_network")
    page.get_by_role("button", name="Start Domain 2 sprint").click()
    page.wait_for_url("**/q/1/")  # waits for "load", so htmx handles the first click
    failures = {"left": 2}

    def flaky(route):
        if failures["left"]:
            failures["left"] -= 1
            route.abort("failed")
        else:
            route.continue_()

    page.route("**/answer/", flaky)
    page.locator("#answer-form label").first.click()
    expect(page.locator("#save-status")).to_contain_text("Not saved yet")
    expect(page.locator("#save-status")).to_contain_text("Answer saved", timeout=15_000)
    entry = Attempt.objects.get().entries.get(position=1)
    assert entry.selected_choice_id is not None


def test_time_up_submits_the_exam(page, live_server, bank):
    sign_up(page, live_server.url, "slow_candidate")
    page.get_by_role("button", name="Start Domain 2 sprint").click()
    page.wait_for_url("**/q/1/")  # waits for "load", so htmx handles the first click
    attempt = Attempt.objects.get()
    # Move the deadline to two seconds from now: the page counts down and submits itself.
    from datetime import timedelta

    from django.utils import timezone
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=2))
    page.reload()
    page.wait_for_url("**/results/", timeout=15_000)
    attempt.refresh_from_db()
    assert attempt.is_finished


def test_practice_with_feedback_and_a_due_review(page, live_server, bank, assert_accessible):
    sign_up(page, live_server.url, "learner")
    page.get_by_role("link", name="Start a practice session").click()
    page.get_by_label("Cultivate Customer Intimacy").check()
    page.get_by_label("Number of questions").fill("2")
    assert_accessible(page, "practice form")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url("**/q/1/")  # waits for "load", so htmx handles the first click
    expect(page.get_by_role("heading", name="Question 1 of 2")).to_be_visible()

    # Pick a wrong option on purpose: the attempt knows the key, the page does not.
    attempt = Attempt.objects.get()
    entry = attempt.entries.select_related("version").get(position=1)
    wrong = next(i for i in entry.choice_order if i != entry.version.correct_choice_id)
    page.locator(f"label[for='choice-{wrong}']").click()
    expect(page.locator("#feedback")).to_contain_text("Not quite")
    expect(page.locator(".choice.is-correct")).to_have_count(1)
    expect(page.locator(".rationale")).to_have_count(4)
    assert_accessible(page, "practice feedback")

    page.get_by_role("link", name="Next →").click()
    page.get_by_role("link", name="Finish session").click()
    page.get_by_label(re.compile("End the session now")).check()
    page.get_by_role("button", name="End session").click()
    page.wait_for_url("**/results/")

    # The missed question is a review card; make it due and review it.
    from django.utils import timezone

    from practice.models import ReviewCard
    ReviewCard.objects.update(due=timezone.now())
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("#due-count")).to_have_text("1")
    page.get_by_role("button", name="Review 1 due card").click()
    expect(page.get_by_role("heading", name="Question 1 of 1")).to_be_visible()
    review = Attempt.objects.get(mode="review")
    right = review.entries.select_related("version").get().version.correct_choice_id
    page.locator(f"label[for='choice-{right}']").click()
    expect(page.locator("#feedback")).to_contain_text("Correct")
    card = ReviewCard.objects.get()
    assert card.due > timezone.now()
    assert card.reviews == 2


def test_countdown_announces_thresholds_and_comes_back_for_the_last_five_minutes(page, live_server, bank):
    from datetime import timedelta

    from django.utils import timezone
    sign_up(page, live_server.url, "timed_candidate")
    page.get_by_role("button", name="Start Domain 2 sprint").click()
    page.wait_for_url("**/q/1/")  # waits for "load", so htmx handles the first click
    page.get_by_role("button", name="Hide timer").click()
    expect(page.locator("#timer-display")).to_have_text("hidden")
    expect(page.locator("#timer-announcer")).to_have_text("")  # no announcement every second

    attempt = Attempt.objects.get()
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=603))
    page.reload()
    expect(page.locator("#timer-announcer")).to_have_text("10 minutes left.", timeout=8_000)
    expect(page.locator("#timer-display")).to_have_text("hidden")  # still hidden at 10 minutes

    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=250))
    page.reload()
    expect(page.locator("#timer-display")).to_have_text(re.compile(r"^4:\d\d$"))  # back by itself
    expect(page.get_by_role("button", name=re.compile("timer"))).to_be_hidden()
