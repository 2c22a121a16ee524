"""Demo yearly reports: the Đà Nẵng Sở asks its units for the 2025-2026 report by 30/11/2026
(seed 000: "trước ngày 30/11 hằng năm"); the Sơn Trà upper-secondary school has sent its report,
commune DN-X001 is still drafting. Written through the services, as the demo accounts."""

import datetime

from units.models import Unit, User
from yearly import services
from yearly.models import ReportCall

YEAR = 2026
DUE = datetime.date(2026, 11, 30)
ASKED_ON = datetime.date(2026, 11, 2)
SENT_AT = datetime.datetime(2026, 11, 20, 3, 0, tzinfo=datetime.UTC)  # 10:00 in Hà Nội

SONTRA = {
    "number": "25/BC-THPTST",
    "signer_title": "Hiệu trưởng",
    "signer_name": "Huỳnh Thị Mai",
    "direction": "Nhà trường ban hành Kế hoạch số 384/KH-THPTST triển khai tuyên truyền gương "
    "điển hình tiên tiến giai đoạn 2023-2025; phân công tổ chuyên môn phát hiện, lựa chọn "
    "điển hình trong từng học kỳ.",
    "propagation": "Mở chuyên mục “Gương sáng Sơn Trà” trên trang thông tin điện tử của trường "
    "với 18 tin, bài; tổ chức 2 buổi giao lưu, chia sẻ kinh nghiệm; nhân rộng mô hình “Lớp học "
    "hạnh phúc” ra toàn khối 10.",
    "difficulties": "Kinh phí cho hoạt động tuyên truyền còn hạn chế.",
    "proposals": "Đề nghị Sở tổ chức tập huấn viết bài tuyên truyền cho cán bộ phụ trách.",
}
X001 = {
    "direction": "UBND phường chỉ đạo các trường xây dựng kế hoạch năm học 2025-2026.",
}


def seed(*, nodes, pks, actor, write):
    users = {u.username: u for u in User.objects.filter(username__in=_ACCOUNTS)}
    if actor is None or len(users) < len(_ACCOUNTS):
        write("Báo cáo năm mẫu: bỏ qua vì không tạo tài khoản (--no-accounts).")
        return
    province = Unit.objects.get(code="SGD-DN")
    if ReportCall.objects.filter(unit=province, year=YEAR).exists():
        write("Báo cáo năm mẫu: thêm 0")
        return
    call = services.report_call_create(
        actor=users["so.lanhdao"], unit=province, year=YEAR, due_on=DUE, today=ASKED_ON
    )
    school = services.report_start(
        actor=users["truong.hieutruong"], call=call, unit=Unit.objects.get(code="DN-THPT001")
    )
    school = services.report_update(actor=users["truong.hieutruong"], report=school, **SONTRA)
    services.report_send(actor=users["truong.hieutruong"], report=school, now=SENT_AT)
    commune = services.report_start(
        actor=users["xa.lanhdao"], call=call, unit=Unit.objects.get(code="DN-X001")
    )
    services.report_update(actor=users["xa.lanhdao"], report=commune, **X001)
    write("Báo cáo năm mẫu: thêm 2")


_ACCOUNTS = ("so.lanhdao", "truong.hieutruong", "xa.lanhdao")
