"""The site shell: login, navigation, unit switcher, home page, password reset, error pages."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from units.enums import Role

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert "Đăng nhập" in response.text
    assert "Quên mật khẩu?" in response.text


def test_login_page_in_english_when_chosen(client):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("login"))
    assert '<html lang="en">' in response.text
    assert "Log in" in response.text
    assert "Forgot your password?" in response.text


def test_login_with_wrong_password_says_so_in_vietnamese(client, nominator_a):
    response = client.post(reverse("login"), {"username": "nominator.a", "password": "sai"})
    assert response.status_code == 200
    assert "Vui lòng nhập chính xác" in response.text


def test_login_leads_home_which_names_the_unit_and_role(client, nominator_a):
    response = client.post(
        reverse("login"), {"username": "nominator.a", "password": "ThiDua@2026"}, follow=True
    )
    text = response.text
    assert "Trường Tiểu học Lê Lợi" in text
    assert "Người lập hồ sơ" in text
    assert reverse("units:person_create", args=["TH-A"]) in text
    assert reverse("core:import_start", args=["people"]) not in text  # nominators don't import


def test_home_without_any_role_explains_what_to_do(client, make_user):
    client.force_login(make_user())
    assert "chưa được giao vai trò" in client.get(reverse("home")).text


def test_unit_switcher_changes_the_acting_unit(client, make_user, tree):
    user = make_user((tree.school_a, Role.NOMINATOR), (tree.danang, Role.CAMPAIGN_ADMIN))
    client.force_login(user)
    memberships = {m.unit.code: m for m in user.memberships.all()}
    client.post(reverse("units:choose_membership"), {"membership": memberships["TH-A"].pk})
    home = client.get(reverse("home"))
    assert home.context["unit"] == tree.school_a
    assert reverse("core:import_start", args=["units"]) in home.text  # still a province admin
    assert "Trường Tiểu học Lê Lợi · Người lập hồ sơ" in home.text
    client.post(reverse("units:choose_membership"), {"membership": memberships["SGD-DN"].pk})
    assert client.get(reverse("home")).context["unit"] == tree.danang


def test_unit_switcher_refuses_someone_elses_membership(client, make_user, tree):
    other = make_user((tree.school_c, Role.APPROVER))
    client.force_login(make_user((tree.school_a, Role.NOMINATOR)))
    response = client.post(
        reverse("units:choose_membership"), {"membership": other.memberships.get().pk}
    )
    assert response.status_code == 403


def test_password_reset_sends_a_working_vietnamese_link(client, nominator_a):
    response = client.post(reverse("password_reset"), {"email": nominator_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Đặt lại mật khẩu" in message.subject
    link = re.search(r"https?://[^/]+(/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "MatKhauMoi#2026", "new_password2": "MatKhauMoi#2026"},
    )
    assert done.status_code == 302
    login = client.post(
        reverse("login"), {"username": "nominator.a", "password": "MatKhauMoi#2026"}
    )
    assert (login.status_code, login.url) == (302, reverse("home"))


def test_password_reset_for_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "khong-co@example.edu.vn"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change_enforces_the_policy(client, nominator_a):
    client.force_login(nominator_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": "ThiDua@2026", "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    assert "quá ngắn" in response.text


def test_friendly_404_page(client, nominator_a, settings):
    settings.DEBUG = False
    client.force_login(nominator_a)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text


def test_friendly_403_page(client, make_user, tree, settings):
    settings.DEBUG = False
    client.force_login(make_user((tree.school_a, Role.VIEWER)))
    response = client.get(reverse("units:person_create", args=["TH-A"]))
    assert response.status_code == 403
    assert "Bạn không có quyền" in response.text


def test_friendly_500_page_renders_without_a_request_context():
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "Hệ thống đang gặp sự cố" in html


def test_an_english_browser_still_gets_the_vietnamese_portal(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in response.text
