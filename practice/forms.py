from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from questions.models import Concept, Domain

from .models import CandidateProfile
from .services import PracticeSource


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional; only used to reset your password.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]


class ChoiceForm(forms.Form):
    """One option id; the service checks, under the attempt's lock, that it belongs to the question."""

    choice = forms.IntegerField(
        min_value=1, max_value=2**63 - 1,
        error_messages={"required": "Choose one of the options before saving.", "invalid": "That option is not valid.",
                        "min_value": "That option is not valid.", "max_value": "That option is not valid."},
    )


class FlagForm(forms.Form):
    flagged = forms.TypedChoiceField(
        choices=[("1", "Flag"), ("0", "Unflag")], coerce=lambda v: v == "1",
        error_messages={"required": "Say whether to flag or unflag the question."},
    )


class StrikeForm(ChoiceForm):
    struck = forms.TypedChoiceField(
        choices=[("1", "Strike out"), ("0", "Restore")], coerce=lambda v: v == "1",
        error_messages={"required": "Say whether to strike out or restore the option."},
    )


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        required=False, help_text="Tick to confirm that you want to end the exam and see your score."
    )
    reason = forms.ChoiceField(choices=[("candidate", "candidate"), ("timeout", "timeout")], required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") != "timeout" and not cleaned.get("confirm"):
            raise forms.ValidationError("Tick the box to confirm that you want to submit.")
        return cleaned


class PracticeForm(forms.Form):
    domains = forms.ModelMultipleChoiceField(
        queryset=Domain.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    concepts = forms.ModelMultipleChoiceField(
        queryset=Concept.objects.select_related("domain"), required=False, widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="Hold Ctrl (or Cmd) to pick several.",
    )
    count = forms.IntegerField(min_value=1, max_value=60, initial=10, label="Number of questions")
    source = forms.ChoiceField(choices=PracticeSource.CHOICES, initial=PracticeSource.ALL,
                               widget=forms.RadioSelect)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("domains") and not cleaned.get("concepts"):
            raise forms.ValidationError("Pick at least one domain or concept to practise.")
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = CandidateProfile
        fields = ["exam_date"]
        widgets = {"exam_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"exam_date": "Review intervals are kept short enough to finish before this day."}
