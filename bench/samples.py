"""Sample content the benchmarks put in dossiers (no Django imports: the fault test loads this
before it sets Django up)."""

import io

from PIL import Image

PARAGRAPH = (
    "Trong năm học, cô đã chủ động đổi mới phương pháp dạy học theo hướng phát triển phẩm chất "
    "và năng lực học sinh, ứng dụng công nghệ thông tin vào từng tiết dạy, phối hợp chặt chẽ với "
    "cha mẹ học sinh để kèm cặp các em còn khó khăn; lớp chủ nhiệm đạt danh hiệu lớp tiêu biểu, "
    "100% học sinh hoàn thành chương trình lớp học, nhiều em đạt giải cấp thành phố."
)


def jpeg() -> bytes:
    """A portrait-shaped JPEG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 210, 220)).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
