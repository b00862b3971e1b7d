"""Thin views: look up, validate, call one service, render or redirect."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from questions.models import Concept, Domain

from . import selectors, services
from .forms import ChoiceForm, FlagForm, PracticeForm, ProfileForm, SignUpForm, StrikeForm, SubmitForm
from .models import Attempt, AttemptMode, AttemptStatus, Blueprint, CandidateProfile, Response


def _owned_attempt(request, attempt_id: int) -> Attempt:
    """The candidate's own attempt, finalised first if its time is up; anyone else's is a 404."""
    attempt = get_object_or_404(Attempt.objects.select_related("blueprint"), pk=attempt_id, user=request.user)
    return services.finalise_if_overdue(attempt)


def _go(request, url: str):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _refuse(request, message: str, status: int = 400):
    """A 4xx with a message a person understands; htmx shows it in the status region."""
    if request.htmx:
        response = render(request, "practice/_error.html", {"message": message}, status=status)
        response["HX-Retarget"] = "#save-status"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "practice/error.html", {"message": message}, status=status)


def _closed(request, attempt: Attempt):
    """Changes to a finished attempt are refused: say why and go to the results."""
    attempt.refresh_from_db(fields=["status"])
    if attempt.status == AttemptStatus.SUBMITTED:
        message = "This attempt has already been submitted, so that change was not saved."
    else:
        message = "Time is up: this attempt has ended, so that change was not saved."
    url = reverse("practice:result", args=[attempt.pk])
    if request.htmx:
        response = HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
        response["HX-Redirect"] = url
        return response
    return render(request, "practice/error.html", {"message": message, "next_url": url}, status=409)


# --- Pages --------------------------------------------------------------------------------


def home(request):
    if request.user.is_authenticated:
        return redirect("practice:dashboard")
    blueprints = Blueprint.objects.filter(is_active=True)
    return render(request, "practice/home.html", {"blueprints": blueprints})


def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome! Your account is ready.")
        return redirect("practice:dashboard")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def dashboard(request):
    context = selectors.dashboard(request.user, timezone.now())
    context["blueprints"] = Blueprint.objects.filter(is_active=True)
    return render(request, "practice/dashboard.html", context)


@require_POST
@login_required
def start_exam(request, slug):
    blueprint = get_object_or_404(Blueprint, slug=slug, is_active=True)
    try:
        attempt, created = services.start_exam(user=request.user, blueprint=blueprint)
    except services.CannotAssemble as error:
        return render(request, "practice/error.html", {"message": str(error), "shortages": error.shortages},
                      status=409)
    if not created:
        messages.info(request, "You already have this exam in progress: here it is, with its clock still running.")
    return redirect("practice:attempt", attempt.pk)


@login_required
def resume(request, attempt_id):
    attempt = _owned_attempt(request, attempt_id)
    if attempt.is_finished:
        return redirect("practice:result", attempt.pk)
    position = attempt.current_position or _first_unanswered(attempt)
    return redirect("practice:question", attempt.pk, position)


def _first_unanswered(attempt: Attempt) -> int:
    first = attempt.entries.filter(selected_choice_id__isnull=True).order_by("position").values_list(
        "position", flat=True).first()
    return first or 1


def _question_context(request, attempt: Attempt, entry: Response, **extra) -> dict:
    nav = selectors.navigator(attempt)
    now = timezone.now()
    show_feedback = attempt.mode != AttemptMode.EXAM and entry.is_answered
    return {
        "attempt": attempt,
        "entry": entry,
        "stem": entry.version.stem,
        "choices": selectors.reviewed_choices(entry) if show_feedback else selectors.exam_choices(entry),
        "show_feedback": show_feedback,
        "explanation": entry.version.explanation if show_feedback else "",
        "nav": nav,
        "counts": selectors.summary_counts(nav),
        "total": len(nav),
        "previous": entry.position - 1 if entry.position > 1 else None,
        "next": entry.position + 1 if entry.position < len(nav) else None,
        "seconds_left": attempt.seconds_left(now),
        **extra,
    }


@require_GET
@vary_on_headers("HX-Request")
@login_required
def question(request, attempt_id, position):
    # The entry, its attempt and its version in one query; another candidate's attempt is a 404.
    entry = get_object_or_404(Response.objects.select_related("attempt__blueprint", "version"),
                              attempt_id=attempt_id, attempt__user=request.user, position=position)
    attempt = services.finalise_if_overdue(entry.attempt)
    if attempt.is_finished:
        messages.info(request, "This attempt has ended. Here are your results.")
        return redirect("practice:result", attempt.pk)
    services.enter_position(attempt=attempt, position=position)
    context = _question_context(request, attempt, entry)
    template = "practice/_question.html" if request.htmx else "practice/question.html"
    return render(request, template, context)


def locked_write(view):
    """For the autosave endpoints: the service reads the candidate's attempt and entry once, under
    the lock; here its refusals become a 404 (not theirs, no such position), 409 (closed) or 400."""

    @wraps(view)
    @require_POST
    @login_required
    def wrapper(request, attempt_id, position):
        try:
            return view(request, attempt_id, position)
        except Response.DoesNotExist:
            raise Http404("No such question in your attempts.") from None
        except services.AttemptClosed as closed:
            return _closed(request, closed.args[0])
        except services.InvalidChoice:
            return _refuse(request, "That option does not belong to this question.")

    return wrapper


def _saved(request, entry: Response, saved: str):
    """The autosave answer: the saved message and only the navigator cell that changed (the page's
    script recounts the summary line from the cells)."""
    attempt = entry.attempt
    context = {"attempt": attempt, "entry": entry, "saved": saved, "cells": [selectors.nav_cell(attempt, entry)]}
    return trigger_client_event(render(request, "practice/_saved.html", context), "answer-saved")


@locked_write
def answer(request, attempt_id, position):
    form = ChoiceForm(request.POST)
    if not form.is_valid():
        return _refuse(request, form.errors["choice"][0])
    try:
        entry = services.record_answer(attempt=attempt_id, user=request.user, position=position,
                                       choice_id=form.cleaned_data["choice"])
    except services.AlreadyAnswered:
        return _refuse(request, "You have already answered this question; its feedback is below.", status=409)
    attempt = entry.attempt
    if not request.htmx:
        if attempt.mode == AttemptMode.EXAM:
            messages.success(request, f"Answer to question {position} saved.")
        return redirect("practice:question", attempt.pk, position)
    if attempt.mode != AttemptMode.EXAM:
        context = _question_context(request, attempt, entry)
        return trigger_client_event(render(request, "practice/_question.html", context), "answer-saved")
    return _saved(request, entry, "answer")


@locked_write
def flag(request, attempt_id, position):
    form = FlagForm(request.POST)
    if not form.is_valid():
        return _refuse(request, form.errors["flagged"][0])
    entry = services.set_flag(attempt=attempt_id, user=request.user, position=position,
                              flagged=form.cleaned_data["flagged"])
    if not request.htmx:
        return redirect("practice:question", entry.attempt.pk, position)
    return _saved(request, entry, "flag")


@locked_write
def strike(request, attempt_id, position):
    form = StrikeForm(request.POST)
    if not form.is_valid():
        return _refuse(request, next(iter(form.errors.values()))[0])
    entry = services.set_struck(attempt=attempt_id, user=request.user, position=position,
                                choice_id=form.cleaned_data["choice"], struck=form.cleaned_data["struck"])
    if not request.htmx:
        return redirect("practice:question", entry.attempt.pk, position)
    context = {"attempt": entry.attempt, "entry": entry, "choices": selectors.exam_choices(entry)}
    return render(request, "practice/_options.html", context)


@login_required
def overview(request, attempt_id):
    """The review screen before submission: answered, unanswered and flagged positions."""
    attempt = _owned_attempt(request, attempt_id)
    if attempt.is_finished:
        return redirect("practice:result", attempt.pk)
    return _render_overview(request, attempt, SubmitForm())


def _render_overview(request, attempt: Attempt, form: SubmitForm, status: int = 200):
    nav = selectors.navigator(attempt)
    return render(request, "practice/overview.html", {
        "attempt": attempt, "nav": nav, "counts": selectors.summary_counts(nav), "total": len(nav),
        "form": form, "seconds_left": attempt.seconds_left(timezone.now()),
    }, status=status)


@require_POST
@login_required
def submit(request, attempt_id):
    attempt = _owned_attempt(request, attempt_id)
    if attempt.is_finished:
        # A double click, a second tab or a retried request: already scored once.
        return _go(request, reverse("practice:result", args=[attempt.pk]))
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _render_overview(request, attempt, form, status=400)
    services.submit_attempt(attempt=attempt)
    return _go(request, reverse("practice:result", args=[attempt.pk]))


# --- After the attempt ----------------------------------------------------------------------


def _finished_attempt(request, attempt_id) -> Attempt | None:
    attempt = _owned_attempt(request, attempt_id)
    if not attempt.is_finished:
        return None
    return attempt


@login_required
def result(request, attempt_id):
    attempt = _finished_attempt(request, attempt_id)
    if attempt is None:
        messages.info(request, "Results appear once the attempt is submitted.")
        return redirect("practice:attempt", attempt_id)
    return render(request, "practice/result.html", selectors.result_report(attempt))


@login_required
def review(request, attempt_id):
    attempt = _finished_attempt(request, attempt_id)
    if attempt is None:
        return HttpResponseNotFound("Review is available once the attempt is submitted.")
    show = request.GET.get("show", "missed")
    if show not in selectors.REVIEW_FILTERS:
        show = "missed"
    domain = _int_or_none(request.GET.get("domain"))
    concept = _int_or_none(request.GET.get("concept"))
    entries = selectors.review_entries(attempt, show=show, domain=domain, concept=concept)
    items = [{"entry": e, "choices": selectors.reviewed_choices(e)} for e in entries]
    concept_ids = {c["id"] for c in selectors.concept_scores(attempt)}
    return render(request, "practice/review.html", {
        "attempt": attempt, "items": items, "show": show, "filters": selectors.REVIEW_FILTERS,
        "domain": domain, "concept": concept,
        "domains": Domain.objects.all(),
        "concepts": Concept.objects.filter(pk__in=concept_ids),
    })


def _int_or_none(value):
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


@login_required
def history(request):
    rows = selectors.history(request.user)
    return render(request, "practice/history.html", {
        "rows": rows,
        "series": selectors.progress_series(rows),
        "readiness": selectors.readiness(request.user),
        "domains": Domain.objects.all(),
    })


# --- Practice and spaced review ----------------------------------------------------------


@login_required
def new_practice(request):
    initial = {}
    if "concept" in request.GET:
        initial["concepts"] = Concept.objects.filter(pk=_int_or_none(request.GET["concept"]))
    form = PracticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attempt = services.start_practice(user=request.user, domains=list(data["domains"]),
                                              concepts=list(data["concepts"]), count=data["count"],
                                              source=data["source"])
        except services.CannotAssemble as error:
            form.add_error(None, str(error))
        else:
            if attempt.question_count < data["count"]:
                messages.info(request, f"Only {attempt.question_count} questions match your selection, "
                                       "so this session has that many.")
            return redirect("practice:attempt", attempt.pk)
    return render(request, "practice/new_practice.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
@login_required
def drill_weakest(request):
    attempt = None
    if request.POST.get("attempt"):
        attempt = get_object_or_404(Attempt, pk=_int_or_none(request.POST["attempt"]), user=request.user)
    concept_id = selectors.weakest_concept(request.user, attempt)
    if concept_id is None:
        messages.info(request, "Finish an exam or practice session first, so we know your weakest concept.")
        return redirect("practice:dashboard")
    concept = Concept.objects.get(pk=concept_id)
    try:
        new = services.start_practice(user=request.user, domains=[], concepts=[concept], count=10,
                                      source=services.PracticeSource.ALL)
    except services.CannotAssemble as error:
        return render(request, "practice/error.html", {"message": str(error)}, status=409)
    return redirect("practice:attempt", new.pk)


@require_POST
@login_required
def start_review(request):
    try:
        attempt = services.start_due_review(user=request.user)
    except services.CannotAssemble as error:
        messages.info(request, str(error))
        return redirect("practice:dashboard")
    return redirect("practice:attempt", attempt.pk)


@login_required
def profile(request):
    instance, _ = CandidateProfile.objects.get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your exam date is saved.")
        return redirect("practice:dashboard")
    return render(request, "practice/profile.html", {"form": form, "profile": instance})
