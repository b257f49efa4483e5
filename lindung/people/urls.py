from django.urls import path

from lindung.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("baru/", views.person_new, name="create"),
    path("ekspor.csv", views.person_export, name="export"),
    path("cek-nik/", views.nik_check, name="nik_check"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/ubah/", views.person_edit, name="edit"),
    path("<int:person_id>/nik/", views.person_reveal_nik, name="reveal_nik"),
]
