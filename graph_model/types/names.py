"""Party names in a form that compares across courts: one spelling per legal person, plus its pinyin.

Two courts write the same debtor differently: full-width or half-width brackets,
traditional characters, 有限责任公司 for 有限公司, 上海市 for 上海, the region in
brackets after the trade name. :func:`normalise_name` removes those differences
(and nothing more: 股份有限公司 and 有限公司 stay apart, so do two regions).
:func:`name_pinyin` gives the toneless pinyin of the normalised name, so that
homophone typos (张伟/章伟) and variant characters that the traditional →
simplified table misses still meet; surnames with a special reading (曾 zeng,
单 shan, 解 xie …) are read as surnames.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

import opencc
from pypinyin import lazy_pinyin

from graph_model.types.text import clean_text

# Surnames whose surname reading differs from the character's most common reading.
SURNAME_PINYIN: dict[str, str] = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha",
    "盖": "ge", "缪": "miao", "翟": "zhai", "尉": "yu", "乐": "yue", "纪": "ji", "覃": "qin",
    "繁": "po", "种": "chong", "冼": "xian", "召": "shao", "员": "yun", "秘": "bi", "句": "gou",
    "万俟": "moqi", "尉迟": "yuchi", "长孙": "zhangsun", "令狐": "linghu",
}
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "端木", "西门", "南宫", "独孤", "万俟", "闻人", "钟离", "澹台", "呼延",
})

# Provinces, municipalities, autonomous regions and large cities that open or bracket a company name.
REGIONS = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
    "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
    "深圳", "广州", "杭州", "南京", "苏州", "武汉", "成都", "西安", "宁波", "厦门", "青岛", "大连",
    "无锡", "佛山", "东莞", "长沙", "郑州", "济南", "合肥", "福州", "昆明", "沈阳", "哈尔滨", "长春",
)
_REGION_ALT = "|".join(sorted(REGIONS, key=len, reverse=True))
_REGION_SUFFIX = r"(?:维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市)?"
_LEADING_REGION = re.compile(rf"^({_REGION_ALT}){_REGION_SUFFIX}")
_BRACKETED_REGION = re.compile(rf"\(({_REGION_ALT}){_REGION_SUFFIX}\)")
# Legal forms written two ways for the same thing; longest first.
LEGAL_FORMS: tuple[tuple[str, str], ...] = (
    ("有限责任公司", "有限公司"),
    ("股份有限责任公司", "股份有限公司"),
)
_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "［": "(", "］": ")", "[": "(", "]": ")",
                           "｛": "(", "｝": ")", "{": "(", "}": ")", "〈": "(", "〉": ")", "《": "(", "》": ")"})
_DROPPED = re.compile(r"[\s·•・．.\-—_'\"“”‘’,，、]+")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters to simplified (OpenCC's t2s table); simplified text is unchanged."""
    return _t2s().convert(text)


def normalise_name(raw: Any, kind: str = "person") -> str | None:
    """The comparable form of a party name, None when empty.

    Every kind: NFKC (full-width brackets, letters and digits to half-width), all
    brackets to ``()``, spaces and separators (· . - , 、) removed, traditional →
    simplified, Latin letters upper case. Companies and organizations also get one
    legal form (有限责任公司 → 有限公司) and one region spelling: a leading
    ``上海市``/``上海`` or a bracketed ``(上海)``/``(上海市)`` anywhere becomes a
    leading ``上海``.
    """
    text = clean_text(raw)
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    text = to_simplified(_DROPPED.sub("", text)).upper()
    if kind != "person":
        for long, short in LEGAL_FORMS:
            text = text.replace(long, short)
        region = None
        lead = _LEADING_REGION.match(text)
        if lead:
            region, text = lead.group(1), text[lead.end():]
        bracketed = _BRACKETED_REGION.search(text)
        if bracketed and (region is None or region == bracketed.group(1)):
            region = bracketed.group(1)
            text = text[:bracketed.start()] + text[bracketed.end():]
        text = (region or "") + text
    return text or None


def company_core(norm: str) -> str:
    """A normalised company name without its leading region and legal form: the trade name and trade."""
    lead = _LEADING_REGION.match(norm)
    core = norm[lead.end():] if lead else norm
    for suffix in ("股份有限公司", "有限公司", "合伙企业(有限合伙)", "合伙企业", "公司", "厂", "店"):
        if core.endswith(suffix) and len(core) > len(suffix):
            return core[: -len(suffix)]
    return core


def name_pinyin(norm: str | None, kind: str = "person") -> str | None:
    """Toneless pinyin of a normalised name, syllables joined by spaces; a person's surname read as a surname.

    Characters without pinyin (Latin letters, digits, brackets) are kept as they are.
    """
    if not norm:
        return None
    surname = ""
    rest = norm
    if kind == "person":
        if norm[:2] in COMPOUND_SURNAMES or norm[:2] in SURNAME_PINYIN:
            surname, rest = norm[:2], norm[2:]
        elif len(norm) > 1:
            surname, rest = norm[:1], norm[1:]
    syllables: list[str] = []
    if surname:
        syllables.append(SURNAME_PINYIN.get(surname) or "".join(_char_pinyin(c) for c in surname))
    syllables.extend(_char_pinyin(c) for c in rest)
    return " ".join(s.strip().lower() for s in syllables if s.strip())


@cache
def _char_pinyin(char: str) -> str:
    """The most common reading of one character, cached (a few thousand characters make up all names).

    Reading character by character skips pypinyin's phrase tables: both sides of a
    comparison are read the same way, which is what matching needs, at a thousandth
    of the cost over a million names.
    """
    return lazy_pinyin(char)[0]
