"""Cursor pagination for every list.

A programme holds up to a million members and as many proposals and bill lines: a page
number needs a COUNT over all of them and an OFFSET that grows with the page, while a
cursor (`WHERE id > last ORDER BY id LIMIT n`) costs the same on the first page and the
last, and a client walking the list misses nothing when rows are added meanwhile. The
answer has no total; filters narrow the list instead.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import CursorPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class Cursor(CursorPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "limit"
    max_page_size = MAX_PAGE_SIZE
    ordering = "id"
    invalid_cursor_message = _(  # type: ignore[assignment]
        "Kursor halaman tidak valid; pakai tautan next atau previous dari jawaban sebelumnya."
    )


class NewestFirst(Cursor):
    ordering = "-id"


class BillLineCursor(Cursor):
    # (bill, membership, month) is the bill lines' one index: the cursor walks it.
    ordering = ("membership_id", "month")  # type: ignore[assignment]
