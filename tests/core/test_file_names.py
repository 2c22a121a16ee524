"""Download names keep every letter: "Đ" folds to "d" as the portal's search does (core/text.py),
where Django's slugify alone drops it ("ien-hinh-tien-tien")."""

from core.text import file_slug


def test_download_names_fold_d_with_stroke_like_the_search():
    assert file_slug("Điển hình tiên tiến") == "dien-hinh-tien-tien"
    assert file_slug("Trường THPT Sơn Trà — Đà Nẵng") == "truong-thpt-son-tra-da-nang"
    assert file_slug("DN-X001") == "dn-x001"
