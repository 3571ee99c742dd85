"""Value cleaners of graph_model.types: every accepted form, the refusals, and property-based round trips."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from graph_model.types import (
    check_id_number,
    clean_address,
    clean_amount,
    clean_date,
    clean_list,
    clean_phone,
    clean_share,
    clean_text,
    is_empty,
    parse_case_no,
    valid_resident_id,
    valid_social_credit_code,
)
from graph_model.types.identifiers import (
    USCC_ALPHABET,
    birth_date,
    resident_check_char,
    sex,
    uscc_check_char,
)

# Real-world style examples, check characters computed by hand from the standards' tables.
RESIDENT_OK = "110105198001011238"
USCC_OK = "91310104MA1FL1234P"


# -- identifiers -------------------------------------------------------------------------
def test_known_resident_id_and_credit_code_pass() -> None:
    assert valid_resident_id(RESIDENT_OK)
    assert valid_resident_id("11010519491231002X")
    assert valid_social_credit_code(USCC_OK)
    assert valid_social_credit_code("12310000425010987A")


@pytest.mark.parametrize(("value", "reason"), [
    ("110105198001011239", "check character"),
    ("11010519800101123", "18 characters"),
    ("1101051980010112X8", "17 digits"),
    ("110105198013011238", "birth date"),
])
def test_bad_resident_ids_say_why(value: str, reason: str) -> None:
    check = check_id_number(value, "person")
    assert not check.valid and reason in (check.problem or "")


@pytest.mark.parametrize(("value", "reason"), [
    ("91310104MA1FL1234Q", "check character"),
    ("91310104MA1FL1234", "18 characters"),
    ("91310104MA1FL1I34P", "outside GB 32100"),
])
def test_bad_credit_codes_say_why(value: str, reason: str) -> None:
    check = check_id_number(value, "company")
    assert not check.valid and reason in (check.problem or "")


def test_id_number_is_cleaned_before_the_check() -> None:
    check = check_id_number(" 91310104ma1fl1234p ", "company")
    assert check.valid and check.value == USCC_OK
    assert check_id_number("１１０１０５１９８００１０１１２３８", "person").value == RESIDENT_OK  # full-width digits
    assert check_id_number("", "person") == check_id_number(None, "person")
    assert check_id_number(None, "person").value is None and not check_id_number(None, "person").valid


def test_the_kind_decides_the_algorithm() -> None:
    assert not check_id_number(USCC_OK, "person").valid
    assert not check_id_number(RESIDENT_OK, "company").valid
    assert check_id_number("12310000425010987A", "organization").valid


def test_birth_date_and_sex_from_a_resident_id() -> None:
    assert birth_date(RESIDENT_OK) == dt.date(1980, 1, 1)
    assert sex(RESIDENT_OK) == "M"
    assert sex("440306199006150024") == "F"


_birthdays = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))
_areas = st.integers(min_value=110000, max_value=659999).map(str)
_serials = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    first17 = draw(_areas) + draw(_birthdays).strftime("%Y%m%d") + draw(_serials)
    return first17 + resident_check_char(first17)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    first17 = "".join(draw(st.lists(st.sampled_from(USCC_ALPHABET), min_size=17, max_size=17)))
    return first17 + uscc_check_char(first17)


@given(resident_ids())
def test_resident_id_with_its_check_character_is_valid(value: str) -> None:
    assert valid_resident_id(value)
    assert check_id_number(value.lower(), "person").valid  # an x check character may come in lower case


@given(resident_ids(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_character_change_of_a_resident_id_is_caught(value: str, pos: int, char: str) -> None:
    assume(value[pos] != char)
    changed = value[:pos] + char + value[pos + 1:]
    assert not valid_resident_id(changed)


@given(credit_codes())
def test_credit_code_with_its_check_character_is_valid(value: str) -> None:
    assert valid_social_credit_code(value)


@given(credit_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
def test_any_single_character_change_of_a_credit_code_is_caught(value: str, pos: int, char: str) -> None:
    assume(value[pos] != char)
    assert not valid_social_credit_code(value[:pos] + char + value[pos + 1:])


@given(credit_codes(), st.integers(min_value=0, max_value=16))
def test_swapping_two_adjacent_different_characters_of_a_credit_code_is_caught(value: str, pos: int) -> None:
    assume(value[pos] != value[pos + 1])
    swapped = value[:pos] + value[pos + 1] + value[pos] + value[pos + 2:]
    assert not valid_social_credit_code(swapped)


# -- case numbers ------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "year", "court", "type_code", "seq", "kind"), [
    ("(2024)沪0104执1234号", 2024, "沪0104", "执", 1234, "enforcement"),
    ("（2024）沪0104执1234号", 2024, "沪0104", "执", 1234, "enforcement"),
    (" ( 2024 ) 沪0104 执恢 12 号", 2024, "沪0104", "执恢", 12, "enforcement"),
    ("(2023)沪0104民初100号", 2023, "沪0104", "民初", 100, "civil"),
    ("(2023)京02民终7号", 2023, "京02", "民终", 7, "civil"),
    ("(2024)沪0104民再5号", 2024, "沪0104", "民再", 5, "retrial"),
    ("(2024)沪0104民申6号", 2024, "沪0104", "民申", 6, "retrial"),
    ("(2024)沪03破3号", 2024, "沪03", "破", 3, "bankruptcy"),
    ("(2024)沪03破申8号", 2024, "沪03", "破申", 8, "bankruptcy"),
    ("(2024)沪0104刑初9号", 2024, "沪0104", "刑初", 9, "criminal"),
    ("(2024)最高法民申100号", 2024, "最高法", "民申", 100, "retrial"),
    ("徐劳人仲(2023)办字第123号", 2023, "徐劳人仲", "劳人仲", 123, "labor_arbitration"),
    ("徐劳人仲（2023）办字第123号", 2023, "徐劳人仲", "劳人仲", 123, "labor_arbitration"),
])
def test_case_numbers_are_normalised_and_parsed(raw: str, year: int, court: str, type_code: str, seq: int,
                                                kind: str) -> None:
    case = parse_case_no(raw)
    assert case is not None
    assert "（" not in case.case_no and " " not in case.case_no
    assert (case.year, case.court_code, case.type_code, case.seq, case.kind) == (year, court, type_code, seq, kind)


def test_an_unusual_case_number_still_loads_unparsed() -> None:
    case = parse_case_no("某某案件-17")
    assert case is not None and case.case_no == "某某案件-17" and case.year is None and case.kind is None
    assert parse_case_no("") is None and parse_case_no(None) is None


_courts = st.sampled_from(["沪0104", "沪03", "京02", "粤0306", "最高法"])
_types = st.sampled_from(["执", "执恢", "民初", "民终", "民再", "破", "破申", "刑初"])


@given(st.integers(min_value=1990, max_value=2030), _courts, _types, st.integers(min_value=1, max_value=99999),
       st.booleans(), st.lists(st.integers(min_value=0, max_value=8), max_size=3))
def test_case_number_round_trip(year: int, court: str, type_code: str, seq: int, fullwidth: bool,
                                spaces: list[int]) -> None:
    canonical = f"({year}){court}{type_code}{seq}号"
    raw = canonical.replace("(", "（").replace(")", "）") if fullwidth else canonical
    for pos in sorted(spaces, reverse=True):
        raw = raw[:pos] + " " + raw[pos:]
    case = parse_case_no(raw)
    assert case is not None
    assert case.case_no == canonical
    assert (case.year, case.court_code, case.type_code, case.seq) == (year, court, type_code, seq)
    assert parse_case_no(case.case_no) == case  # normalising is idempotent


# -- dates ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["2024-03-05", "2024/3/5", "2024年3月5日", "20240305", "2024-3-5", " 2024/03/05 ",
                                 "2024-03-05 14:30:00", "２０２４－０３－０５"])
def test_every_date_form(raw: str) -> None:
    assert clean_date(raw) == dt.date(2024, 3, 5)


def test_dates_from_spreadsheets_and_empty_cells() -> None:
    assert clean_date(dt.datetime(2024, 3, 5, 12, 0)) == dt.date(2024, 3, 5)
    assert clean_date(dt.date(2024, 3, 5)) == dt.date(2024, 3, 5)
    assert clean_date("") is None and clean_date(None) is None and clean_date(float("nan")) is None


@pytest.mark.parametrize(("raw", "reason"), [("2024-13-01", "calendar"), ("2024/2/30", "calendar"),
                                             ("March 5", "not a date"), ("2024.03", "not a date")])
def test_bad_dates_are_refused(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        clean_date(raw)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_round_trip(day: dt.date) -> None:
    forms = [day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日",
             day.strftime("%Y%m%d")]
    assert {clean_date(f) for f in forms} == {day}


# -- amounts -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "value"), [
    ("1234.5", 1234.5), ("1,234.50", 1234.5), ("12.5万", 125000.0), ("12.5万元", 125000.0), ("1.2亿", 120000000.0),
    ("￥1,000", 1000.0), ("１２３４", 1234.0), (1500, 1500.0), (12.25, 12.25), ("0", 0.0), ("1000元", 1000.0),
])
def test_every_amount_form(raw: object, value: float) -> None:
    assert clean_amount(raw) == value


@pytest.mark.parametrize("raw", ["-", "", None, "  ", float("nan"), "—"])
def test_unknown_amounts(raw: object) -> None:
    assert clean_amount(raw) is None


@pytest.mark.parametrize("raw", ["12abc", "1.2.3", "万", "about 100", True])
def test_bad_amounts_are_refused(raw: object) -> None:
    with pytest.raises(ValueError):
        clean_amount(raw)


@given(st.integers(min_value=0, max_value=10**12))
def test_amount_round_trip(cents: int) -> None:
    yuan = cents / 100
    assert clean_amount(f"{yuan:.2f}") == pytest.approx(yuan)
    assert clean_amount(f"{yuan:,.2f}") == pytest.approx(yuan)
    assert clean_amount(f"{cents / 1_000_000:.6f}万") == pytest.approx(yuan, abs=0.01)


# -- shares ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "value"), [("0.35", 0.35), ("35%", 0.35), ("35", 0.35), ("100", 1.0), ("1", 1.0),
                                            ("0", 0.0), ("３５％", 0.35), (35, 0.35), (0.5, 0.5), ("12.5%", 0.125)])
def test_every_share_form(raw: object, value: float) -> None:
    assert clean_share(raw) == pytest.approx(value)


@pytest.mark.parametrize("raw", ["abc", "150%", "101", "-5%", "inf"])
def test_bad_shares_are_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        clean_share(raw)


@given(st.integers(min_value=0, max_value=10000))
def test_share_round_trip(basis_points: int) -> None:
    fraction = basis_points / 10000
    assert clean_share(f"{fraction}") == pytest.approx(fraction)
    assert clean_share(f"{basis_points / 100}%") == pytest.approx(fraction)
    if basis_points > 100:  # bare numbers above 1 are percentages
        assert clean_share(f"{basis_points / 100}") == pytest.approx(fraction)


# -- text, lists, phones, addresses -----------------------------------------------------------------
def test_lists_split_on_both_semicolons() -> None:
    assert clean_list("a;b；c; ;a") == ["a", "b", "c"]
    assert clean_list("") == [] and clean_list(None) == []


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters=";；", blacklist_categories=("Cs", "Cc", "Zs",
                                                                                                  "Zl", "Zp")),
                        min_size=1, max_size=8), min_size=1, max_size=6, unique=True),
       st.sampled_from([";", "；"]))
def test_list_round_trip(items: list[str], sep: str) -> None:
    assume(all(clean_text(i) == i for i in items))
    assert clean_list(sep.join(items)) == items


@pytest.mark.parametrize(("raw", "number"), [("13800000001", "13800000001"), ("+86 138 0000 0001", "13800000001"),
                                             ("0086-13800000001", "13800000001"), ("021-64000000", "02164000000"),
                                             ("（021）6400 0000", "02164000000")])
def test_phones(raw: str, number: str) -> None:
    assert clean_phone(raw) == number


def test_short_phone_is_refused() -> None:
    with pytest.raises(ValueError, match="fewer than 5"):
        clean_phone("12")


def test_addresses_meet_however_they_are_spaced() -> None:
    assert clean_address("上海市 长宁区 延安西路２号") == clean_address("上海市长宁区延安西路2号") == "上海市长宁区延安西路2号"


def test_empty_markers_and_spreadsheet_numbers() -> None:
    for raw in (None, "", "  ", "-", "nan", float("nan"), "N/A"):
        assert is_empty(raw)
    assert clean_text(1001.0) == "1001"
    assert clean_text("  a   b ") == "a b"
    assert clean_amount("0") == 0.0 and clean_amount("0.00") == 0.0  # zero is an amount, not a missing one
