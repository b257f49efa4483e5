from __future__ import annotations

import pytest
from django.urls import reverse

from lindung.accounts.models import User

pytestmark = pytest.mark.usefixtures("seluma")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", password="rahasia-panjang", role="admin")


def test_the_admin_lists_and_searches_areas(client, superuser):
    client.force_login(superuser)

    response = client.get(reverse("admin:regions_region_changelist"), {"q": "17.05.08"})

    assert response.status_code == 200
    assert "Lubuk Lagan" in response.content.decode()


def test_the_admin_cannot_add_change_or_delete_areas(client, superuser):
    client.force_login(superuser)

    assert client.get(reverse("admin:regions_region_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:regions_region_change", args=["17.05"]), {"name": "Ganti"}
        ).status_code
        == 403
    )
    assert client.post(reverse("admin:regions_region_delete", args=["17.05"])).status_code == 403
