from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from . import services
from .models import Choice, Concept, Domain, Question, QuestionStatus


class ChoiceInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = services.choice_problems(kept)
        if problems:
            raise ValidationError(problems)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceInlineFormSet
    extra = 4
    max_num = 6
    fields = ["order", "text", "is_correct", "rationale"]

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj and obj.choices.exists() else 4

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in {"text", "rationale"}:
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        domain, concepts = cleaned.get("domain"), cleaned.get("concepts")
        if domain and concepts:
            strays = [c.name for c in concepts if c.domain_id != domain.pk]
            if strays:
                self.add_error(
                    "concepts",
                    f"These concepts belong to another domain than {domain}: {', '.join(strays)}.",
                )
        return cleaned


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "section"]
    search_fields = ["name"]


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "slug"]
    list_filter = ["domain"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    inlines = [ChoiceInline]
    list_display = ["key", "short_stem", "domain", "pattern", "difficulty", "status", "preview_link"]
    list_filter = ["domain", "concepts", "status", "difficulty"]
    search_fields = ["key", "stem", "choices__text", "pattern"]
    autocomplete_fields = ["concepts"]
    list_select_related = ["domain"]
    actions = ["publish", "retire"]
    fieldsets = [
        (None, {"fields": ["key", "domain", "concepts", "pattern", "stem"]}),
        ("After the attempt", {"fields": ["explanation", "reference"]}),
        ("Status", {"fields": ["difficulty", "status"]}),
    ]

    @admin.display(description="Scenario")
    def short_stem(self, obj):
        return obj.stem[:90] + ("…" if len(obj.stem) > 90 else "")

    @admin.display(description="Preview")
    def preview_link(self, obj):
        url = reverse("admin:questions_question_preview", args=[obj.pk])
        return format_html('<a href="{}">Preview as a candidate</a>', url)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.refresh_version(form.instance)

    @admin.action(description="Publish selected questions", permissions=["change"])
    def publish(self, request, queryset):
        updated = queryset.exclude(status=QuestionStatus.PUBLISHED).update(status=QuestionStatus.PUBLISHED)
        self.message_user(request, f"Published {updated} question(s).", messages.SUCCESS)

    @admin.action(description="Retire selected questions", permissions=["change"])
    def retire(self, request, queryset):
        updated = queryset.exclude(status=QuestionStatus.RETIRED).update(status=QuestionStatus.RETIRED)
        self.message_user(request, f"Retired {updated} question(s).", messages.SUCCESS)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:pk>/preview/", preview, name="questions_question_preview"),
        ] + super().get_urls()

    def preview_view(self, request, pk):
        """Show the question exactly as the exam renders it: no answer key, no rationale."""
        question = get_object_or_404(Question, pk=pk)
        if not self.has_view_permission(request, question):
            raise PermissionDenied
        version = question.current_version
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: {question.key}",
            "question": question,
            "stem": version.stem if version else question.stem,
            "choices": version.choices if version else [],
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "questions/preview.html", context)
