"""Small helpers every list and form view shares."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lindung.accounts.models import User

PAGE_SIZE = 50


def acting_user(request: HttpRequest) -> User:
    """The signed-in user of a view that requires login (the decorators ensure there is one)."""
    assert isinstance(request.user, User)
    return request.user


def page_of(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Page[Any]:
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The list's other GET parameters, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def unreadable_choices(count: int) -> str:
    """What to say when ticked rows of a bulk form could not be read or found."""
    return _(
        "%(n)s pilihan tidak terbaca atau tidak ditemukan di wilayah kerja Anda; muat ulang "
        "halaman lalu pilih lagi."
    ) % {"n": count}
