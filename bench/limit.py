"""The limit: what any authenticated write must do and nothing more, to measure the stack's ceiling.

Session lookup, user lookup (login_required), CSRF check, one UPDATE and a small template: the
answer save is reported as a ratio to this, measured on the same server in the same run.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from practice.models import Attempt


@require_POST
@login_required
def limit(request):
    now = timezone.now()
    updated = Attempt.objects.filter(pk=request.POST.get("attempt", 0), user=request.user).update(
        position_entered_at=now)
    return render(request, "bench/limit.html", {"updated": updated, "now": now, "rows": range(20)})
