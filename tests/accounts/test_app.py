"""The accounts app's seams: its pages keep the addresses and names they had under `units`, and
`units` (below it) never imports it."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import resolve, reverse

import accounts.views

UNITS = Path(settings.BASE_DIR) / "units"

ACCOUNT_PAGES = {
    "login": "/tai-khoan/dang-nhap/",
    "login_code": "/tai-khoan/dang-nhap/ma-xac-thuc/",
    "account_security": "/tai-khoan/bao-mat/",
    "two_factor_start": "/tai-khoan/bao-mat/bat/",
    "two_factor_confirm": "/tai-khoan/bao-mat/xac-nhan/",
    "two_factor_disable": "/tai-khoan/bao-mat/tat/",
    "logout": "/tai-khoan/dang-xuat/",
    "password_change": "/tai-khoan/doi-mat-khau/",
    "password_change_done": "/tai-khoan/doi-mat-khau/xong/",
    "password_reset": "/tai-khoan/quen-mat-khau/",
    "password_reset_done": "/tai-khoan/quen-mat-khau/da-gui/",
    "password_reset_complete": "/tai-khoan/dat-lai-mat-khau/xong/",
}


@pytest.mark.parametrize(("name", "address"), ACCOUNT_PAGES.items())
def test_account_pages_keep_their_names_and_addresses(name, address):
    assert reverse(name) == address
    assert resolve(address).url_name == name


def test_the_reset_link_in_old_e_mails_still_opens():
    address = reverse("password_reset_confirm", args=["MQ", "set-password"])
    assert address == "/tai-khoan/dat-lai-mat-khau/MQ/set-password/"


def test_login_is_served_by_the_accounts_app():
    view = resolve(reverse("login")).func
    assert view.view_class is accounts.views.PortalLoginView


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_units_never_imports_accounts():
    offenders = {
        str(path.relative_to(UNITS.parent)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] == "accounts"
        )
        for path in UNITS.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
