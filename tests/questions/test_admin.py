import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from questions.models import Question, QuestionStatus
from tests.factories import ConceptFactory, DomainFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:questions_question_add")


@pytest.fixture
def author(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Authors"))
    return user


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def question_post(choices, **overrides):
    """The admin form's POST for a question with these (text, is_correct, rationale) choices."""
    domain = DomainFactory(number=2)
    data = {
        "key": "d2-new-1",
        "domain": domain.pk,
        "stem": "A product owner at a bank hears conflicting requests. What should they do first?",
        "explanation": "Understand the need before choosing a solution.",
        "reference": "POA Guide 5.2",
        "difficulty": "medium",
        "status": "published",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "6",
    }
    for i, (text, correct, rationale) in enumerate(choices):
        data[f"choices-{i}-order"] = str(i + 1)
        data[f"choices-{i}-text"] = text
        data[f"choices-{i}-rationale"] = rationale
        if correct:
            data[f"choices-{i}-is_correct"] = "on"
    data.update(overrides)
    return data


GOOD = [("Observe customers", True, "Right: behaviour."), ("Ask the CEO", False, "HiPPO."),
        ("Build it all", False, "Waste."), ("Survey once", False, "One-off.")]


def test_author_saves_a_valid_question_with_its_choices_and_a_version(author_client):
    response = author_client.post(ADD_URL, question_post(GOOD))
    assert response.status_code == 302, response.content
    question = Question.objects.get(key="d2-new-1")
    assert question.choices.count() == 4
    assert question.current_version.correct_choice_id == question.choices.get(is_correct=True).pk


@pytest.mark.parametrize(
    "choices, message",
    [
        ([(t, False, r) for t, _, r in GOOD], "Mark exactly one choice as correct; none is marked."),
        ([(t, i < 2, r) for i, (t, _, r) in enumerate(GOOD)], "Mark exactly one choice as correct; 2 are marked."),
        (GOOD[:2], "A question needs at least 3 choices; it has 2."),
    ],
)
def test_admin_refuses_invalid_choices_and_saves_nothing(author_client, choices, message):
    response = author_client.post(ADD_URL, question_post(choices))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.filter(key="d2-new-1").exists()


def test_admin_refuses_an_empty_rationale_and_saves_nothing(author_client):
    choices = [GOOD[0], ("Ask the CEO", False, ""), *GOOD[2:]]
    response = author_client.post(ADD_URL, question_post(choices))
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Question.objects.filter(key="d2-new-1").exists()


def test_admin_refuses_a_concept_from_another_domain(author_client):
    stray = ConceptFactory(domain=DomainFactory(number=5), name="Story slicing drill")
    response = author_client.post(ADD_URL, question_post(GOOD, concepts=[stray.pk]))
    assert response.status_code == 200
    assert "Story slicing drill" in response.content.decode()
    assert "belong to another domain" in response.content.decode()
    assert not Question.objects.filter(key="d2-new-1").exists()


def test_editing_refusal_keeps_the_saved_question_unchanged(author_client):
    question = QuestionFactory()
    url = reverse("admin:questions_question_change", args=[question.pk])
    data = question_post([], key=question.key, stem="Edited stem that must not be saved?")
    choices = list(question.choices.all())
    data.update({"choices-TOTAL_FORMS": "4", "choices-INITIAL_FORMS": "4"})
    for i, c in enumerate(choices):
        data.update({f"choices-{i}-id": c.pk, f"choices-{i}-question": question.pk, f"choices-{i}-order": i,
                     f"choices-{i}-text": c.text, f"choices-{i}-rationale": c.rationale})
    response = author_client.post(url, data)  # no choice marked correct
    assert response.status_code == 200
    question.refresh_from_db()
    assert question.stem != "Edited stem that must not be saved?"
    assert question.choices.filter(is_correct=True).count() == 1


def test_list_filters_search_and_bulk_actions(author_client):
    personas = ConceptFactory(name="Personas X")
    matching = QuestionFactory(stem="A persona-based scenario?", concepts=[personas], status=QuestionStatus.DRAFT)
    QuestionFactory(stem="Another scenario?")
    changelist = reverse("admin:questions_question_changelist")
    assert author_client.get(changelist, {"concepts__id__exact": personas.pk}).context["cl"].result_count == 1
    assert author_client.get(changelist, {"status__exact": "draft"}).context["cl"].result_count == 1
    assert author_client.get(changelist, {"q": matching.choices.first().text}).context["cl"].result_count == 1
    response = author_client.post(changelist, {"action": "publish", "_selected_action": [matching.pk]})
    assert response.status_code == 302
    matching.refresh_from_db()
    assert matching.status == QuestionStatus.PUBLISHED
    author_client.post(changelist, {"action": "retire", "_selected_action": [matching.pk]})
    matching.refresh_from_db()
    assert matching.status == QuestionStatus.RETIRED


def test_preview_shows_the_question_without_the_answer_key(author_client):
    question = QuestionFactory()
    response = author_client.get(reverse("admin:questions_question_preview", args=[question.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert question.stem in html
    for choice in question.choices.all():
        assert choice.text in html
        assert choice.rationale not in html
    assert question.explanation not in html
    assert "is_correct" not in html and "correct" not in html.lower().replace("incorrect", "")


def test_concept_autocomplete_works_for_authors(author_client):
    ConceptFactory(name="Empathy mapping")
    url = reverse("admin:autocomplete")
    response = author_client.get(url, {"term": "Empathy", "app_label": "questions", "model_name": "question",
                                       "field_name": "concepts"})
    assert response.status_code == 200
    assert "Empathy mapping" in response.content.decode()


def test_authors_group_has_exactly_the_bank_permissions():
    codenames = set(Group.objects.get(name="Authors").permissions.values_list("codename", flat=True))
    assert {"add_question", "change_question", "add_choice", "change_choice", "view_domain"} <= codenames
    assert not Permission.objects.filter(group__name="Authors").exclude(content_type__app_label="questions").exists()


@pytest.mark.parametrize("url_name", ["admin:auth_user_changelist", "admin:practice_attempt_changelist"])
def test_author_cannot_touch_users_or_attempts(author_client, url_name):
    assert author_client.get(reverse(url_name)).status_code == 403
