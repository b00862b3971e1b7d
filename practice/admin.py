from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Attempt, Blueprint, BlueprintWeight, CandidateProfile, Response, ReviewCard


class BlueprintWeightInline(admin.TabularInline):
    model = BlueprintWeight
    extra = 0


@admin.register(Blueprint)
class BlueprintAdmin(admin.ModelAdmin):
    list_display = ["name", "question_count", "minutes", "target_percent", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BlueprintWeightInline]


class ResponseInline(admin.TabularInline):
    model = Response
    extra = 0
    can_delete = False
    fields = ["position", "version", "selected_choice_id", "flagged", "is_correct", "seconds_spent"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "mode", "status", "started_at", "correct_count", "question_count"]
    list_filter = ["mode", "status", "blueprint"]
    search_fields = ["user__username", "title"]
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in Attempt._meta.fields]
    inlines = [ResponseInline]

    def has_add_permission(self, request):
        return False


@admin.register(ReviewCard)
class ReviewCardAdmin(admin.ModelAdmin):
    list_display = ["user", "question", "due", "reviews", "lapses"]
    search_fields = ["user__username", "question__key"]
    readonly_fields = ["fsrs_card"]


class CandidateProfileInline(admin.StackedInline):
    model = CandidateProfile
    can_delete = False
    verbose_name_plural = "Candidate profile (accommodations and exam date)"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class CandidateUserAdmin(UserAdmin):
    inlines = [CandidateProfileInline]
