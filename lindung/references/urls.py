from django.urls import path

from lindung.references import views

app_name = "references"
urlpatterns = [
    path("", views.snapshot_list, name="list"),
    path("unggah/", views.snapshot_upload, name="upload"),
    path("unggah/pemetaan/", views.snapshot_confirm, name="confirm"),
    path("<int:snapshot_id>/", views.snapshot_detail, name="detail"),
    path("<int:snapshot_id>/ditolak.csv", views.rejected_download, name="rejected_csv"),
]
