"""Name normalisation and pinyin (graph_model/types/names.py): the forms courts write one name in meet."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_model.types.names import company_core, name_pinyin, normalise_name, to_simplified


@pytest.mark.parametrize("variant", [
    "上海华联贸易有限公司",
    "上海市华联贸易有限公司",
    "华联贸易（上海）有限公司",
    "华联贸易(上海市)有限公司",
    "上海华联贸易有限责任公司",
    "上海市華聯貿易有限責任公司",
    " 上海 华联贸易 有限公司 ",
    "华联贸易【上海】有限公司",
])
def test_company_variants_meet(variant: str) -> None:
    assert normalise_name(variant, "company") == "上海华联贸易有限公司"


@pytest.mark.parametrize(("a", "b"), [
    ("上海华联贸易有限公司", "北京华联贸易有限公司"),  # two regions, two companies
    ("上海华联贸易有限公司", "上海华联贸易股份有限公司"),  # another legal form
    ("上海华联贸易有限公司", "上海华联物流有限公司"),
    ("华联贸易（上海）有限公司", "华联贸易（北京）有限公司"),
])
def test_different_companies_stay_apart(a: str, b: str) -> None:
    assert normalise_name(a, "company") != normalise_name(b, "company")


def test_conflicting_leading_and_bracketed_regions_are_kept() -> None:
    # 北京 in front and (上海) in brackets: a branch naming; the bracket is not dropped
    assert normalise_name("北京华联贸易（上海）有限公司", "company") == "北京华联贸易(上海)有限公司"


def test_person_names_traditional_fullwidth_and_separators() -> None:
    assert normalise_name("張偉", "person") == "张伟"
    assert normalise_name(" 张 伟 ", "person") == "张伟"
    assert normalise_name("买买提·艾力", "person") == normalise_name("买买提•艾力", "person") == "买买提艾力"
    assert normalise_name("ｊｏｈｎ　ＳＭＩＴＨ", "person") == "JOHNSMITH"
    # person names keep what looks like a region: 上海 is no prefix of a person
    assert normalise_name("上官婉儿", "person") == "上官婉儿"


@pytest.mark.parametrize("empty", [None, "", "  ", "-", float("nan")])
def test_empty_names(empty: object) -> None:
    assert normalise_name(empty, "person") is None
    assert name_pinyin(None) is None


def test_traditional_to_simplified() -> None:
    assert to_simplified("陳誌華與鄭國強") == "陈志华与郑国强"
    assert to_simplified("张伟") == "张伟"


@pytest.mark.parametrize(("name", "pinyin"), [
    ("曾国藩", "zeng guo fan"),
    ("单田芳", "shan tian fang"),
    ("解缙", "xie jin"),
    ("仇英", "qiu ying"),
    ("朴志明", "piao zhi ming"),
    ("区小明", "ou xiao ming"),
    ("查良镛", "zha liang yong"),
    ("欧阳娜娜", "ouyang na na"),
    ("张伟", "zhang wei"),
])
def test_surnames_read_as_surnames(name: str, pinyin: str) -> None:
    assert name_pinyin(name, "person") == pinyin


def test_homophone_typos_share_pinyin_and_different_names_do_not() -> None:
    assert name_pinyin("张伟", "person") == name_pinyin("章伟", "person") == name_pinyin("张玮", "person")
    assert name_pinyin("王芳", "person") == name_pinyin("汪方", "person")
    assert name_pinyin("张伟", "person") != name_pinyin("张伟军", "person")
    assert name_pinyin("李娜", "person") != name_pinyin("王娜", "person")


def test_company_pinyin_and_core() -> None:
    norm = normalise_name("华联贸易（上海）有限公司", "company")
    assert norm is not None
    assert name_pinyin(norm, "company") == "shang hai hua lian mao yi you xian gong si"
    assert company_core(norm) == "华联贸易"
    assert company_core("北京ABC科技股份有限公司") == "ABC科技"


@given(st.text(alphabet="张王李伟芳娜上海市华联贸易有限责任公司（）() 　·", min_size=1, max_size=20),
       st.sampled_from(["person", "company", "organization"]))
def test_normalisation_is_idempotent(raw: str, kind: str) -> None:
    once = normalise_name(raw, kind)
    assert once is None or normalise_name(once, kind) == once
    if once is not None:
        assert " " not in once and "（" not in once and "有限责任公司" not in (once if kind != "person" else "")
