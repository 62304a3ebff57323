"""The code tables match NAVER's page exactly, and people's ways of writing couriers and methods resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from batchship.domain import codes
from tests.reference import VENDORED, naver_table

HERE = Path(__file__).parent
SHARED = HERE.parent.parent / "shared" / "reference" / "dispatch-api.md"


@pytest.fixture(scope="module")
def page() -> str:
    return VENDORED.read_text(encoding="utf-8")


def test_vendored_page_is_the_shared_reference() -> None:
    """The copy in tests/data is NAVER's page as shared/ holds it (checked wherever shared/ is present)."""
    if SHARED.exists():
        assert VENDORED.read_bytes() == SHARED.read_bytes()
    else:
        assert "deliveryCompanyCode" in VENDORED.read_text(encoding="utf-8")


def test_delivery_methods_match_the_reference(page: str) -> None:
    """All 11 delivery methods, with their Korean descriptions, nothing missing, nothing extra."""
    assert naver_table(page, "**deliveryMethod**") == codes.DELIVERY_METHODS
    assert len(codes.DELIVERY_METHODS) == 11


def test_couriers_match_the_reference(page: str) -> None:
    """Every courier of NAVER's table, including odd codes like GS더프레시 and 1004HOME."""
    table = naver_table(page, "**deliveryCompanyCode**")
    assert table == codes.COURIERS
    assert len(table) > 190
    assert codes.COURIERS["GS더프레시"] == "GSTHEFRESH"
    assert codes.COURIERS["1004HOME"] == "1004HOME"


def test_error_codes_match_the_reference(page: str) -> None:
    """NAVER's item error codes are all known, with their descriptions."""
    assert naver_table(page, "## 오류 코드 정의") == codes.NAVER_ERROR_CODES
    assert codes.NAVER_ERROR_CODES["104121"] == "배송 송장 오류(기사용 송장)"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("CJGLS", "CJGLS"),
        ("cjgls", "CJGLS"),
        ("CJ대한통운", "CJGLS"),
        (" CJ 대한통운 ", "CJGLS"),
        ("ＣＪ", "CJGLS"),
        ("CJ", "CJGLS"),
        ("롯데택배", "HYUNDAI"),
        ("롯데", "HYUNDAI"),
        ("한진", "HANJIN"),
        ("한진택배", "HANJIN"),
        ("로젠", "KGB"),
        ("로젠택배", "KGB"),
        ("우체국", "EPOST"),
        ("우체국택배", "EPOST"),
        ("경동", "KDEXP"),
        ("대신", "DAESIN"),
        ("gs더프레시", "GS더프레시"),
        ("GSTHEFRESH", "GS더프레시"),
        ("1004home", "1004HOME"),
        ("KT EXPRESS", "KT"),
    ],
)
def test_courier_aliases(written: str, code: str) -> None:
    """A courier given as its code in any case, its Korean name, or a short name resolves to NAVER's code."""
    assert codes.resolve_courier(written) == code


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("DELIVERY", "DELIVERY"),
        ("delivery", "DELIVERY"),
        ("택배,등기,소포", "DELIVERY"),
        ("택배, 등기, 소포", "DELIVERY"),
        ("택배", "DELIVERY"),
        ("직접전달", "DIRECT_DELIVERY"),
        ("직접 전달", "DIRECT_DELIVERY"),
        ("방문수령", "VISIT_RECEIPT"),
        ("퀵서비스", "QUICK_SVC"),
        ("배송없음", "NOTHING"),
        ("return_delivery", "RETURN_DELIVERY"),
    ],
)
def test_method_aliases(written: str, code: str) -> None:
    """A method given as its code or its Korean wording resolves."""
    assert codes.resolve_method(written) == code


def test_unknown_names_resolve_to_nothing() -> None:
    """Typos are never silently mapped to a courier."""
    assert codes.resolve_courier("CJ택배") is None
    assert codes.resolve_courier("롯대택배") is None
    assert codes.resolve_method("직접배송") is None


def test_suggestions_name_the_closest_couriers() -> None:
    """An unknown courier gets 'did you mean' candidates, best first."""
    assert codes.suggest_courier("CJ택배")[0] == "CJGLS"
    assert codes.suggest_courier("롯대택배")[0] == "HYUNDAI"
    assert codes.suggest_courier("hanjn")[0] == "HANJIN"
    assert codes.suggest_courier("") == []


def test_method_suggestions_never_offer_return_methods() -> None:
    """Suggestions for a method only name methods usable for dispatch."""
    for text in ("직접전달해요", "delivry", "return"):
        assert not set(codes.suggest_method(text)) & codes.NOT_DISPATCH_METHODS


def test_no_key_names_two_couriers() -> None:
    """Normalised codes and names never collide across couriers (else aliasing would be ambiguous)."""
    seen: dict[str, str] = {}
    for code, name in codes.COURIERS.items():
        for key in {codes.normalize_key(code), codes.normalize_key(name)}:
            assert seen.setdefault(key, code) == code, key
    assert all(re.fullmatch(r"\S+", c) for c in codes.COURIERS)


def test_every_naver_code_has_an_english_meaning() -> None:
    """--lang en never shows a Korean meaning for one of NAVER's codes, and Korean shows NAVER's own words."""
    from batchship.i18n import CATALOGUE

    naver = {k.removeprefix("naver."): v for k, v in CATALOGUE.items() if k.startswith("naver.")}
    assert set(naver) == set(codes.NAVER_ERROR_CODES)
    for code, texts in naver.items():
        assert texts["ko"] == codes.NAVER_ERROR_CODES[code]
        assert texts["en"] != texts["ko"]
