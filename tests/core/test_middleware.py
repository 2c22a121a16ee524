"""core.middleware: malformed requests get the portal's 400 page, once for the whole site; what
a logged-in user sees is not cached."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

HONOUR_FILTERS = ("q", "don_vi", "danh_hieu", "doi_tuong", "phong_trao", "nam", "trang")


@pytest.mark.parametrize("parameter", HONOUR_FILTERS)
def test_a_nul_in_a_public_filter_is_the_portals_400_page(client, parameter):
    response = client.get(f"{reverse('reporting:honour_board')}?{parameter}=%00")
    assert response.status_code == 400
    text = response.content.decode()
    assert '<html lang="vi">' in text
    assert "Yêu cầu không hợp lệ" in text
    assert "Traceback" not in text
    assert 'href="/static/css/portal.css"' in text  # the portal's own page, styled


@pytest.mark.parametrize(
    "query",
    ["q=%zz", "q=100%", "q=%ff%fe", "%00=1", "q=a%00b&page=2"],
)
def test_broken_encodings_are_refused_before_any_view(client, query):
    assert client.get(f"{reverse('login')}?{query}").status_code == 400


def test_readable_queries_pass(client):
    for query in ("q=Nguy%E1%BB%85n+Th%E1%BB%8B", "q=100%25", "trang=2&nam=2026"):
        assert client.get(f"{reverse('reporting:honour_board')}?{query}").status_code == 200


def test_a_nul_in_a_path_or_a_posted_field_is_refused(client, nominator_a):
    assert client.get("/don-vi/TH%00A/").status_code == 400
    response = client.post(reverse("login"), {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400
    client.force_login(nominator_a)
    # The same form without the NUL goes on to the view (which takes no POST).
    assert client.post(reverse("units:person_list"), {"q": "x"}).status_code == 405
    response = client.post(reverse("units:person_list"), {"q\x00": "x"})
    assert response.status_code == 400


def test_the_400_page_speaks_english_to_who_chose_it(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"{reverse('reporting:honour_board')}?q=%00")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_a_nul_in_any_form_field_is_refused_in_vietnamese():
    with translation.override("vi"):
        with pytest.raises(ValidationError) as refused:
            forms.CharField().clean("a\x00b")
        [message] = refused.value.messages  # lazy: read in the language of the page
    assert message.startswith("Nội dung có ký tự rỗng (NUL)")
