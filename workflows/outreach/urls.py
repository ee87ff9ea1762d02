from django.urls import path

from . import pages

urlpatterns = [
    path("tin/<str:token>/", pages.receipt_page, name="outreach_receipt"),
    path("tuyen-truyen-vien/", pages.registry_page, name="outreach_registry"),
    path("tuyen-truyen-vien/mau.xlsx", pages.import_template, name="outreach_template"),
]
