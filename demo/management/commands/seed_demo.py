"""Load demo data: `python manage.py seed_demo --scale demo|province|nation`. Safe to re-run."""

import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import translation

from demo import campaigns, criteria, nominations, yearly
from demo.units import (
    DEMO_PASSWORD,
    SCALES,
    SYSTEM_ADMIN,
    build_tree,
    seed_accounts,
    seed_people,
    seed_units,
)
from units.models import User

# In dependency order: each seeder finds what the earlier ones wrote. Each is called as
# seeder(nodes=..., pks=..., actor=..., write=...), where actor is the demo system administrator
# (None with --no-accounts).
SEEDERS = [criteria.seed, campaigns.seed, nominations.seed, yearly.seed]


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (đơn vị, cá nhân, tài khoản demo). Chạy lại không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument("--no-accounts", action="store_true", help="Không tạo tài khoản demo.")

    def handle(self, *args, scale, no_accounts, **options):
        translation.activate("vi")
        started = time.monotonic()
        nodes = build_tree(SCALES[scale])
        pks = seed_units(nodes)
        self.stdout.write(f"Đơn vị: {len(pks)} ({time.monotonic() - started:.1f} s)")
        added = seed_people(nodes, pks)
        self.stdout.write(f"Cá nhân: thêm {added} ({time.monotonic() - started:.1f} s)")
        actor = None
        if not no_accounts:
            self.stdout.write(f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD}):")
            for username, roles in seed_accounts():
                self.stdout.write(f"  {username:<20} {roles}")
            actor = User.objects.get(username=SYSTEM_ADMIN)
        for seeder in SEEDERS:
            seeder(nodes=nodes, pks=pks, actor=actor, write=self.stdout.write)
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner walks the name index for scoped lists (seconds).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Xong sau {time.monotonic() - started:.1f} s."))
