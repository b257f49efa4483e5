from django.urls import path

from lindung.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("baru/", views.programme_create, name="create"),
    path("perencana/", views.planner_page, name="planner"),
    path("pekerjaan/", views.occupation_list, name="occupations"),
    path("pekerjaan/baru/", views.occupation_form, name="occupation_create"),
    path("pekerjaan/<int:occupation_id>/ubah/", views.occupation_form, name="occupation_edit"),
    path("<int:programme_id>/", views.programme_detail, name="detail"),
    path("<int:programme_id>/ubah/", views.programme_edit, name="edit"),
    path("<int:programme_id>/riwayat/", views.programme_history, name="history"),
    path("<int:programme_id>/tarif/baru/", views.rate_form, name="rate_create"),
    path("<int:programme_id>/tarif/<int:rate_id>/ubah/", views.rate_form, name="rate_edit"),
    path("<int:programme_id>/penyesuaian/baru/", views.adjustment_form, name="adjustment_create"),
    path(
        "<int:programme_id>/penyesuaian/<int:adjustment_id>/ubah/",
        views.adjustment_form,
        name="adjustment_edit",
    ),
    path("<int:programme_id>/periode/baru/", views.period_form, name="period_create"),
    path("<int:programme_id>/periode/<int:period_id>/ubah/", views.period_form, name="period_edit"),
    path("<int:programme_id>/anggaran/", views.budget_list, name="budget_list"),
    path("<int:programme_id>/anggaran/baru/", views.budget_line_form, name="budget_create"),
    path(
        "<int:programme_id>/anggaran/<int:line_id>/ubah/",
        views.budget_line_form,
        name="budget_edit",
    ),
]
