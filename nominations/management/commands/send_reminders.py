"""Run the reminder sweep by hand (installs without beat, or to see what is due)."""

from django.core.management.base import BaseCommand

from nominations.reminders import sweep


class Command(BaseCommand):
    help = "Gửi nhắc hạn, báo quá hạn và thư tổng hợp tuần đến hạn (như lượt quét của beat)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ đếm những gì sẽ gửi, không ghi gì."
        )

    def handle(self, *args, dry_run, **options):
        result = sweep(dry_run=dry_run)
        kinds = ", ".join(f"{k}: {n}" for k, n in sorted(result.by_kind.items())) or "—"
        if dry_run:
            self.stdout.write(f"Sẽ gửi {result.written} thông báo chưa gửi trước đó ({kinds}).")
        else:
            self.stdout.write(f"Đã ghi {result.written} thông báo mới ({kinds}).")
