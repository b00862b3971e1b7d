from django.urls import path

from . import views

app_name = "practice"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("exams/<slug:slug>/start/", views.start_exam, name="start_exam"),
    path("attempts/<int:attempt_id>/", views.resume, name="attempt"),
    path("attempts/<int:attempt_id>/q/<int:position>/", views.question, name="question"),
    path("attempts/<int:attempt_id>/q/<int:position>/answer/", views.answer, name="answer"),
    path("attempts/<int:attempt_id>/q/<int:position>/flag/", views.flag, name="flag"),
    path("attempts/<int:attempt_id>/q/<int:position>/strike/", views.strike, name="strike"),
    path("attempts/<int:attempt_id>/overview/", views.overview, name="overview"),
    path("attempts/<int:attempt_id>/submit/", views.submit, name="submit"),
    path("attempts/<int:attempt_id>/results/", views.result, name="result"),
    path("attempts/<int:attempt_id>/review/", views.review, name="review"),
    path("history/", views.history, name="history"),
    path("practice/new/", views.new_practice, name="new_practice"),
    path("practice/weakest/", views.drill_weakest, name="drill_weakest"),
    path("review/start/", views.start_review, name="start_review"),
    path("profile/", views.profile, name="profile"),
]
