from django.urls import path

from lindung.proposals import views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("baru/", views.proposal_new, name="create"),
    path("cek-nik/", views.nik_check, name="nik_check"),
    path("unggah/", views.upload, name="upload"),
    path(
        "templat/<int:programme_id>/xlsx/",
        views.template_download,
        {"fmt": "xlsx"},
        name="template_xlsx",
    ),
    path(
        "templat/<int:programme_id>/csv/",
        views.template_download,
        {"fmt": "csv"},
        name="template_csv",
    ),
    path("kiriman/", views.batch_list, name="batches"),
    path("kiriman/<int:batch_id>/", views.batch_detail, name="batch"),
    path(
        "kiriman/<int:batch_id>/ditolak/xlsx/",
        views.batch_rejected,
        {"fmt": "xlsx"},
        name="batch_rejected_xlsx",
    ),
    path(
        "kiriman/<int:batch_id>/ditolak/csv/",
        views.batch_rejected,
        {"fmt": "csv"},
        name="batch_rejected_csv",
    ),
    path("<int:proposal_id>/", views.proposal_detail, name="detail"),
    path("<int:proposal_id>/perbaiki/", views.proposal_correct, name="correct"),
    path("<int:proposal_id>/tarik/", views.proposal_withdraw, name="withdraw"),
]
