"""Demo data lives in `demo/` alone: no production app holds a demo module or imports `demo`,
and `yearly` is a leaf that no other app imports."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def imported_modules(app_dir: Path):
    for path in app_dir.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                yield path, [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path, [node.module]


def project_apps():
    return [
        Path(config.path)
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT) and config.label != "demo"
    ]


def test_no_app_holds_or_imports_demo_code():
    assert project_apps(), "the project's apps were not found"
    for app_dir in project_apps():
        assert not list(app_dir.rglob("demo.py")), app_dir
        for path, modules in imported_modules(app_dir):
            assert not any(m == "demo" or m.startswith("demo.") for m in modules), path


def test_no_other_app_imports_the_yearly_report():
    for app_dir in project_apps():
        if app_dir.name == "yearly":
            continue
        for path, modules in imported_modules(app_dir):
            assert not any(m == "yearly" or m.startswith("yearly.") for m in modules), path
