"""Prefill the holiday calendar for one or more years (keeps rows already there)."""

from django.core.management.base import BaseCommand

from campaigns.services import holidays_prefill


class Command(BaseCommand):
    help = "Điền sẵn lịch nghỉ lễ, tết cho các năm (giữ nguyên các ngày đã có)."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="+", type=int)

    def handle(self, *args, years, **options):
        added = holidays_prefill(years=years)
        self.stdout.write(f"{added}")
