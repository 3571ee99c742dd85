"""Chinese words and value formatting for what judges read: views, tooltips, charts.

The graph stores English enum values (graph_model/model.yaml); the people who
read the views read Chinese. Everything shown goes through these tables and
formatters so that a status reads 终本 everywhere, not terminated_no_assets in
one place and 终本 in another.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

KIND_ZH: dict[str, str] = {
    "Person": "自然人",
    "Company": "企业",
    "Organization": "其他组织",
    "Party": "当事人",
    "Case": "案件",
    "Asset": "财产",
    "Phone": "电话",
    "Address": "地址",
    "Settlement": "执行和解",
    "Measure": "控制措施",
    "Payment": "执行款",
    "Auction": "司法拍卖",
    "Transfer": "财产转让",
    "Detention": "羁押",
    "Alert": "预警",
    "AlertEvent": "预警处理记录",
    "Export": "数据来源",
}

CASE_STATUS_ZH: dict[str, str] = {
    "pending": "执行中",
    "concluded": "已结案",
    "terminated_no_assets": "终本",
    "settled": "和解",
    "withdrawn": "撤回",
    "suspended": "中止",
    "terminated": "终结",
}

CASE_KIND_ZH: dict[str, str] = {
    "enforcement": "执行案件",
    "civil": "民事案件",
    "labor_arbitration": "劳动仲裁",
    "bankruptcy": "破产案件",
    "criminal": "刑事案件",
    "administrative": "行政案件",
    "retrial": "再审案件",
}

CASE_OUTCOME_ZH: dict[str, str] = {"upheld": "维持", "revoked": "撤销", "amended": "改判"}

ASSET_KIND_ZH: dict[str, str] = {
    "real_estate": "不动产",
    "vehicle": "车辆",
    "bank_account": "银行账户",
    "securities": "证券",
    "equity": "股权",
    "receivable": "应收债权",
    "intellectual_property": "知识产权",
    "other": "其他财产",
}

MEASURE_KIND_ZH: dict[str, str] = {
    "freeze": "冻结",
    "seizure": "查封",
    "consumption_restriction": "限制消费",
    "dishonest_list": "失信名单",
    "exit_restriction": "限制出境",
}

AUCTION_RESULT_ZH: dict[str, str] = {"sold": "成交", "unsold": "流拍", "withdrawn": "撤回", "pending": "进行中"}

DETENTION_KIND_ZH: dict[str, str] = {
    "imprisonment": "服刑",
    "detention": "拘留",
    "compulsory_isolation": "强制隔离戒毒",
}

PARTY_STATUS_ZH: dict[str, str] = {
    "active": "存续",
    "revoked": "吊销",
    "deregistered": "注销",
    "bankrupt": "破产",
    "liquidating": "清算中",
    "deceased": "死亡",
}

ALERT_STATUS_ZH: dict[str, str] = {
    "new": "新预警",
    "acknowledged": "已查看",
    "confirmed": "已确认",
    "dismissed": "已排除",
    "resolved": "已处理",
}

class _DetectorTitles(Mapping[str, str]):
    """Detector name → Chinese title, read from the detectors' own .yaml (queries/detectors/) on first use.

    The registry is the one place a detector's title is written; this only looks it up.
    """

    def __init__(self) -> None:
        self._titles: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._titles is None:
            from queries.registry import Registry  # late: labels is imported by code the registry never needs

            self._titles = {q.name: q.title_zh for q in Registry().detectors()}
        return self._titles

    def __getitem__(self, name: str) -> str:
        return self._load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


DETECTOR_ZH: Mapping[str, str] = _DetectorTitles()

REL_ZH: dict[str, str] = {
    "APPLICANT_IN": "申请执行人",
    "RESPONDENT_IN": "被执行人",
    "PLAINTIFF_IN": "原告",
    "DEFENDANT_IN": "被告",
    "THIRD_PARTY_IN": "第三人",
    "ADMINISTRATOR_IN": "破产管理人",
    "BASED_ON": "执行依据",
    "SHAREHOLDER_OF": "股东",
    "LEGAL_REPRESENTATIVE_OF": "法定代表人",
    "DIRECTOR_OF": "董事",
    "SUPERVISOR_OF": "监事",
    "MANAGER_OF": "经理",
    "ACTUAL_CONTROLLER_OF": "实际控制人",
    "EMPLOYEE_OF": "员工",
    "SPOUSE_OF": "配偶",
    "PARENT_OF": "父母",
    "SIBLING_OF": "兄弟姐妹",
    "RELATIVE_OF": "亲属",
    "GUARANTOR_OF": "担保人",
    "HAS_PHONE": "电话",
    "HAS_ADDRESS": "地址",
    "OWNS": "所有",
    "OWED_BY": "债务人",
    "TRANSFERRED": "转出",
    "TRANSFERRED_TO": "受让",
    "TRANSFER_OF": "转让标的",
    "MEASURE_IN": "所属案件",
    "RESTRICTS": "限制",
    "ENCUMBERS": "查控",
    "SETTLES": "和解",
    "PAYEE": "收款人",
    "PAYMENT_IN": "执行款",
    "AUCTION_IN": "所属案件",
    "AUCTIONS": "拍卖标的",
    "DETAINED": "羁押",
    "SAME_AS": "疑似同一主体",
    "ALERT_ON_CASE": "预警案件",
    "ALERT_ON_PARTY": "预警对象",
    "EVIDENCE": "证据",
    "STATUS_CHANGE": "处理记录",
}

SAME_AS_STATUS_ZH: dict[str, str] = {"auto": "自动匹配", "pending": "待核实", "confirmed": "已确认", "rejected": "已否定"}

OPEN_CASE_STATUSES = frozenset({"pending", "suspended", "terminated_no_assets"})
"""Enforcement cases whose debt still stands (a 终本 case is restored when assets appear)."""


def zh(table: Mapping[str, str], value: Any) -> str:
    """The Chinese word for an enum value; an unknown value is shown as given."""
    if value is None:
        return ""
    return table.get(str(value), str(value))


def retired_note(retired_by: Any) -> str:
    """'已于 <date> 不再出现在 <source> 导出中' for each `retired_by` entry (`<YYYY-MM-DD> <source>`, model.yaml)."""
    if not retired_by or not isinstance(retired_by, list | tuple):
        return ""
    return "；".join(f"已于 {entry[:10]} 不再出现在 {entry[11:]} 导出中" for entry in retired_by)


def mask_id_number(value: Any) -> str:
    """A person's id number with its middle hidden: 110101********1234.

    Views are shown on screens and exported as files; a person's full id number
    is personal data the reader rarely needs, while the ends still tell two
    parties apart.
    """
    text = "" if value is None else str(value)
    if len(text) <= 4:
        return "*" * len(text)
    if len(text) <= 10:
        return text[:2] + "*" * (len(text) - 4) + text[-2:]
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(value: Any) -> str:
    """A phone number with its middle four digits hidden: 138****5678."""
    text = "" if value is None else str(value)
    if len(text) < 7:
        return text
    return text[:3] + "****" + text[7:] if len(text) == 11 else text[:-8] + "****" + text[-4:]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def money(value: Any) -> str:
    """Exact yuan for tooltips: ¥1,234,567.89; empty when unknown."""
    number = _number(value)
    if number is None:
        return ""
    return f"¥{number:,.2f}"


def money_short(value: Any) -> str:
    """Compact yuan for labels: 1.23亿, 45.6万, 800元."""
    number = _number(value)
    if number is None:
        return ""
    sign = "-" if number < 0 else ""
    number = abs(number)
    if number >= 1e8:
        return f"{sign}{number / 1e8:.2f}亿"
    if number >= 1e4:
        return f"{sign}{number / 1e4:.1f}万"
    return f"{sign}{number:,.0f}元"


def percent(value: Any) -> str:
    """A share stored as a fraction 0..1, shown as a percentage: 0.35 → 35%."""
    number = _number(value)
    if number is None:
        return ""
    text = f"{number * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def shorten(text: Any, limit: int) -> str:
    """Cut a long name for a label; the tooltip keeps the whole of it."""
    value = "" if text is None else str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"
