"""Court exports with planted cross-court duplicates and look-alikes, and the truth about who is who.

Identity linking is judged on this data. Each true legal person is written by one
court, and a planted share of them again by one or two other courts, the way the
case systems really differ: the id number missing or typed wrong (failing its
check, but often with the birth date intact), the name in traditional characters,
with a homophone typo (张伟 → 章伟), 有限责任公司 for 有限公司, 上海市 for 上海 or the
region in full-width brackets. Each planted duplicate carries at least one of
the clues a clerk would also use: the same phone or address, the typo'd id,
legal representative of the same company, or a case resting on the other court's
case. Look-alikes are different people with the same common name (张伟, 王芳 …),
different birth dates and phones; some of them without an id number.

``generate_identity(out, persons, companies, seed, exports=3)`` writes one export
directory per court (parties, cases, case_parties, relations in the court export
format) and ``identity_truth.json``: for every party uid the loader will create,
the key of the true legal person. :func:`IdentityTruth.pairs` gives the planted
pairs of uids that linking should join.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import opencc

from graph_model.types.identifiers import USCC_ALPHABET, check_id_number, resident_check_char, uscc_check_char

COURTS = (("court-a", "沪0104", "上海市徐汇区人民法院"), ("court-b", "沪0109", "上海市虹口区人民法院"),
          ("court-c", "沪0115", "上海市浦东新区人民法院"), ("court-d", "沪0106", "上海市静安区人民法院"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单解仇查区朴"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞辉建国峰宇浩然凯文斌波宁林海燕琳婷雪梅春晓丹彬龙俊晨阳博瑞欣怡子轩佳琪梓涵思远嘉豪"
COMMON_NAMES = ("张伟", "王芳", "李娜", "刘洋", "王磊", "张敏", "李静", "王伟")
# Characters a clerk types for another with the same pinyin.
HOMOPHONES = {
    "张": "章", "章": "张", "王": "汪", "汪": "王", "李": "黎", "黎": "李", "刘": "柳", "陈": "沉", "杨": "阳",
    "黄": "皇", "吴": "武", "周": "舟", "徐": "许", "林": "琳", "伟": "玮", "芳": "方", "娜": "那", "敏": "民",
    "静": "晶", "丽": "莉", "强": "墙", "磊": "垒", "军": "君", "洋": "阳", "勇": "永", "杰": "洁", "涛": "滔",
    "明": "鸣", "超": "潮", "霞": "夏", "平": "萍", "刚": "钢", "华": "桦", "兰": "蓝", "红": "宏", "鹏": "朋",
    "飞": "非", "辉": "晖", "峰": "锋", "宇": "雨", "浩": "昊", "文": "雯", "斌": "彬", "波": "博", "宁": "凝",
    "海": "亥", "燕": "艳", "琳": "林", "婷": "亭", "雪": "薛", "梅": "玫", "春": "纯", "晓": "小", "丹": "单",
    "龙": "隆", "俊": "骏", "晨": "辰", "博": "波", "欣": "新", "怡": "宜", "轩": "宣", "琪": "棋", "涵": "寒",
    "远": "源", "豪": "毫", "国": "果", "建": "健", "英": "瑛", "玉": "钰", "秀": "绣", "桂": "贵", "萍": "平",
    "凯": "恺", "然": "冉", "嘉": "佳", "佳": "嘉", "思": "斯", "子": "紫", "梓": "子",
}
TRADES = ("华联", "鑫源", "恒通", "宏达", "永盛", "金桥", "东方", "新世纪", "锦程", "瑞丰", "天成", "顺发", "中诚",
          "博远", "汇金", "联创", "德信", "盛世", "安泰", "嘉禾", "海纳", "昌隆", "正大", "龙腾", "万利", "富源",
          "百盛", "大同", "兴业", "开元", "三友", "捷达", "远洋", "新星", "宝丰", "同创", "润泽", "凯旋", "腾飞")
INDUSTRIES = ("贸易", "建筑工程", "物流", "科技", "餐饮管理", "装饰工程", "电子", "实业", "投资管理", "房地产开发",
              "机械设备", "服饰", "文化传播", "汽车销售", "食品", "化工", "医疗器械", "广告", "劳务派遣", "印刷")
REGIONS = ("上海", "上海", "上海", "江苏", "浙江", "北京")
AREAS = ("310101", "310104", "310105", "310106", "310109", "310110", "310112", "310115", "320102", "330102",
         "340102", "410102", "420102", "510104")
STREETS = ("漕溪北路", "中山南路", "四平路", "大连路", "张杨路", "世纪大道", "南京西路", "淮海中路", "肇嘉浜路",
           "虹桥路", "曲阳路", "东方路", "浦东大道", "长寿路", "延安西路", "天目西路", "江场路", "共和新路")
BANKS = tuple((name, body + uscc_check_char(body)) for name, body in (
    ("中国工商银行股份有限公司上海市分行", "91310000832000000"), ("中国建设银行股份有限公司上海市分行", "91310000832000001"),
    ("上海浦东发展银行股份有限公司", "91310000132211580")))
_S2T = opencc.OpenCC("s2t")


@dataclass
class TrueParty:
    """A legal person as it really is."""

    key: str
    kind: str
    name: str
    id_number: str
    phone: str
    address: str
    company: str | None = None  # persons: key of the company they legally represent
    region: str = "上海"  # companies: the region of the name
    trade: str = ""  # companies: trade name + industry


@dataclass
class Record:
    """One court's row for a legal person."""

    source: str
    party_id: str
    kind: str
    name: str
    id_number: str
    phones: list[str]
    addresses: list[str]
    true_key: str
    case_origin: str | None = None  # case number of another court's case this party's case rests on
    case_no: str = ""
    role: bool = True  # write the legal representative relation of the person's company

    @property
    def uid(self) -> str:
        check = check_id_number(self.id_number, self.kind)
        return f"id:{check.value}" if check.valid else f"src:{self.source}:{self.party_id}"


@dataclass
class IdentityTruth:
    """Which uid belongs to which true legal person, and how each planted duplicate was made."""

    seed: int
    exports: list[str]
    entity_of: dict[str, str] = field(default_factory=dict)  # uid → true key
    variants: dict[str, list[str]] = field(default_factory=dict)  # uid of a planted copy → how it differs
    lookalikes: list[list[str]] = field(default_factory=list)  # uids of different people with one common name

    def pairs(self) -> set[tuple[str, str]]:
        """Every pair of distinct uids (sorted) that are the same legal person: what linking must join."""
        by_key: dict[str, list[str]] = {}
        for uid, key in self.entity_of.items():
            by_key.setdefault(key, []).append(uid)
        out: set[tuple[str, str]] = set()
        for uids in by_key.values():
            for a, b in itertools.combinations(sorted(uids), 2):
                out.add((a, b))
        return out

    def same(self, a: str, b: str) -> bool:
        key = self.entity_of.get(a)
        return key is not None and key == self.entity_of.get(b)

    def to_json(self) -> dict[str, object]:
        return {"seed": self.seed, "exports": self.exports, "entity_of": self.entity_of, "variants": self.variants,
                "lookalikes": self.lookalikes, "pairs": sorted(self.pairs())}

    @classmethod
    def from_json(cls, data: dict) -> IdentityTruth:
        return cls(seed=data["seed"], exports=data["exports"], entity_of=data["entity_of"],
                   variants=data["variants"], lookalikes=data["lookalikes"])


class _Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()

    def resident_id(self, birth: dt.date, male: bool) -> str:
        while True:
            seq = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
            first17 = f"{self.rng.choice(AREAS)}{birth:%Y%m%d}{seq:03d}"
            value = first17 + resident_check_char(first17)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def uscc(self) -> str:
        while True:
            body = "".join(self.rng.choice(USCC_ALPHABET[:10]) for _ in range(9))
            first17 = f"91{self.rng.choice(AREAS)}{body}"
            value = first17 + uscc_check_char(first17)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def phone(self) -> str:
        while True:
            value = f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"
            if value not in self.used_phones:
                self.used_phones.add(value)
                return value

    def address(self) -> str:
        return f"上海市{self.rng.choice(STREETS)}{self.rng.randrange(1, 2000)}弄{self.rng.randrange(1, 40)}号{self.rng.randrange(101, 2600)}室"

    def birth(self) -> dt.date:
        return dt.date(1950, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 365 * 52))

    def person_name(self, common_rate: float) -> str:
        if self.rng.random() < common_rate:
            return self.rng.choice(COMMON_NAMES)
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def typo_id(self, value: str, kind: str) -> str:
        """The id with one character mistyped so that it fails its check (birth date digits spared most often)."""
        positions = [*range(0, 6), *range(14, 17)] if self.rng.random() < 0.8 else list(range(0, 17))
        while True:
            pos = self.rng.choice(positions)
            new = value[:pos] + self.rng.choice("0123456789") + value[pos + 1:]
            if new != value and not check_id_number(new, kind).valid:
                return new

    def homophone(self, name: str) -> str:
        spots = [i for i, ch in enumerate(name) if ch in HOMOPHONES]
        if not spots:
            return name
        i = self.rng.choice(spots)
        return name[:i] + HOMOPHONES[name[i]] + name[i + 1:]


def _company_name(region: str, trade: str, form: str = "plain") -> str:
    """A company name in one of the ways courts write it."""
    if form == "city":
        return f"{region}市{trade}有限公司" if region in ("上海", "北京") else f"{region}省{trade}有限公司"
    if form == "bracket":
        return f"{trade}（{region}）有限公司"
    if form == "llc":
        return f"{region}{trade}有限责任公司"
    if form == "traditional":
        return _S2T.convert(f"{region}{trade}有限公司")
    return f"{region}{trade}有限公司"


def generate_identity(out: str | Path, persons: int = 400, companies: int = 120, seed: int = 20260101,
                      exports: int = 3, duplicate_rate: float = 0.3, common_rate: float = 0.08,
                      missing_id_rate: float = 0.1) -> IdentityTruth:
    """Write ``exports`` export directories under ``out`` and identity_truth.json; returns the truth."""
    out = Path(out)
    mk = _Maker(seed)
    rng = mk.rng
    courts = COURTS[:exports]
    sources = [c[0] for c in courts]
    # -- the true population ------------------------------------------------------
    company_list: list[TrueParty] = []
    taken: set[tuple[str, str]] = set()  # a registry never gives one name twice in a region
    for i in range(companies):
        while True:
            region = rng.choice(REGIONS)
            trade = f"{rng.choice(TRADES)}{rng.choice(INDUSTRIES)}" + (f"{i}" if i >= len(TRADES) * 4 else "")
            if (region, trade) not in taken:
                taken.add((region, trade))
                break
        company_list.append(TrueParty(f"C{i}", "company", _company_name(region, trade), mk.uscc(), mk.phone(),
                                      mk.address(), region=region, trade=trade))
    person_list: list[TrueParty] = []
    names_taken: dict[str, int] = {}
    for i in range(persons):
        name = mk.person_name(common_rate)
        names_taken[name] = names_taken.get(name, 0) + 1
        male = rng.random() < 0.5
        company = company_list[i].key if i < len(company_list) else None
        person_list.append(TrueParty(f"P{i}", "person", name, mk.resident_id(mk.birth(), male), mk.phone(),
                                     mk.address(), company=company))
    everyone = {p.key: p for p in company_list + person_list}

    # -- records: every true party in one court, planted ones again in others ------------
    records: list[Record] = []
    counters = dict.fromkeys(sources, 0)
    truth = IdentityTruth(seed=seed, exports=sources)

    def new_record(source: str, p: TrueParty, name: str, id_number: str, phones: list[str], addresses: list[str]) -> Record:
        counters[source] += 1
        rec = Record(source, f"{source[-1].upper()}{counters[source]:06d}", p.kind, name, id_number, phones,
                     addresses, p.key)
        records.append(rec)
        return rec

    first_of: dict[str, Record] = {}
    for p in company_list + person_list:
        source = rng.choice(sources)
        id_number = "" if rng.random() < missing_id_rate else p.id_number
        rec = new_record(source, p, p.name, id_number, [p.phone], [p.address] if rng.random() < 0.7 else [])
        first_of[p.key] = rec

    planted = [p for p in company_list + person_list if rng.random() < duplicate_rate]
    # name forms in turn, so that even a small dataset holds every kind
    person_forms = itertools.cycle(("same", "traditional", "homophone", "same"))
    company_forms = itertools.cycle(("same", "city", "bracket", "llc", "traditional"))
    for p in planted:
        first = first_of[p.key]
        others = [s for s in sources if s != first.source]
        copies = 2 if rng.random() < 0.1 and len(others) > 1 else 1
        for source in rng.sample(others, copies):
            how: list[str] = []
            # the id: mostly missing, else typo'd, sometimes right (then the loader already joins them)
            roll = rng.random()
            if roll < 0.55:
                id_number, how = "", how + ["id missing"]
            elif roll < 0.85:
                id_number, how = mk.typo_id(p.id_number, p.kind), how + ["id typo"]
            else:
                id_number, how = p.id_number, how + ["id valid"]
            # the name
            if p.kind == "person":
                form = next(person_forms)
                name = {"same": p.name, "traditional": _S2T.convert(p.name), "homophone": mk.homophone(p.name)}[form]
            else:
                form = next(company_forms)
                name = _company_name(p.region, p.trade, form if form != "same" else "plain")
            how.append(f"name {form}")
            # the clues
            clues = [c for c in ("phone", "address", "case", "role") if rng.random() < {"phone": 0.55, "address": 0.4,
                                                                                          "case": 0.35, "role": 0.5}[c]]
            if p.company is None and "role" in clues:
                clues.remove("role")
            if not clues and ("id typo" not in how or not first.id_number):
                clues = ["phone"]
            phones = [p.phone] if "phone" in clues else ([mk.phone()] if rng.random() < 0.5 else [])
            addresses = [p.address] if "address" in clues else ([mk.address()] if rng.random() < 0.3 else [])
            if "address" in clues and p.address not in first.addresses:
                first.addresses.append(p.address)
            rec = new_record(source, p, name, id_number, phones, addresses)
            rec.case_origin = "pending" if "case" in clues else None
            rec.role = "role" in clues
            how.extend(clues)
            truth.variants[rec.uid] = how

    # -- look-alikes: different people sharing a common name, some without an id ----------
    for name in COMMON_NAMES:
        group = [p for p in person_list if p.name == name]
        if len(group) < 2:
            extra = TrueParty(f"P{len(person_list)}", "person", name, mk.resident_id(mk.birth(), rng.random() < 0.5),
                              mk.phone(), mk.address())
            person_list.append(extra)
            everyone[extra.key] = extra
            source = rng.choice(sources)
            rec = new_record(source, extra, name, "" if rng.random() < 0.5 else extra.id_number, [extra.phone], [])
            first_of[extra.key] = rec
            group.append(extra)

    # -- write the exports ------------------------------------------------------------
    by_source: dict[str, list[Record]] = {s: [] for s in sources}
    for rec in records:
        by_source[rec.source].append(rec)
    case_seq = itertools.count(1000)
    case_of_first: dict[str, str] = {}
    code = {c[0]: c[1] for c in courts}
    for rec in records:  # every record is the respondent of one case in its court
        rec.case_no = f"(2024){code[rec.source]}{'执' if rec.case_origin else '民初'}{next(case_seq)}号"
        if first_of.get(rec.true_key) is rec:
            case_of_first[rec.true_key] = rec.case_no
    for rec in records:
        if rec.case_origin is not None:
            rec.case_origin = case_of_first[rec.true_key]
    court_name = {c[0]: c[2] for c in courts}
    for source, recs in by_source.items():
        d = out / source
        d.mkdir(parents=True, exist_ok=True)
        party_rows: list[list[str]] = []
        relation_rows: list[list[str]] = []
        case_rows: list[list[str]] = []
        cp_rows: list[list[str]] = []
        present = {r.true_key: r for r in recs if r.kind == "company"}
        extra_companies: dict[str, str] = {}
        for i, (bank, bank_id) in enumerate(BANKS):
            party_rows.append([f"BANK{i}", "company", bank, bank_id, "active", "", "", ""])
        for rec in recs:
            party_rows.append([rec.party_id, rec.kind, rec.name, rec.id_number, "", "", ";".join(rec.addresses),
                               ";".join(rec.phones)])
            p = everyone[rec.true_key]
            if p.company is not None and rec.role:
                company = present.get(p.company)
                if company is not None:
                    company_pid = company.party_id
                elif p.company in extra_companies:
                    company_pid = extra_companies[p.company]
                else:  # the company is written here too, with its valid code: the loader joins it
                    c = everyone[p.company]
                    company_pid = f"X{p.company}"
                    extra_companies[p.company] = company_pid
                    party_rows.append([company_pid, "company", c.name, c.id_number, "active", "", "", ""])
                    truth.entity_of[f"id:{c.id_number}"] = c.key
                relation_rows.append([rec.party_id, company_pid, "legal_representative", "", "", ""])
            kind = "enforcement" if rec.case_origin else "civil"
            case_rows.append([rec.case_no, kind, court_name[source], "民间借贷纠纷", "2024-03-01", "", "pending",
                              "100000", "", rec.case_origin or "", "", ""])
            cp_rows.append([rec.case_no, f"BANK{rng.randrange(len(BANKS))}", "applicant" if rec.case_origin else "plaintiff", ""])
            cp_rows.append([rec.case_no, rec.party_id, "respondent" if rec.case_origin else "defendant", ""])
        _write(d / "parties.csv", ("party_id", "kind", "name", "id_number", "status", "registered_on", "address",
                                   "phone"), party_rows)
        _write(d / "cases.csv", ("case_no", "kind", "court", "cause", "filed_on", "closed_on", "status", "amount",
                                 "amount_paid", "origin_case_no", "outcome", "claims_deadline"), case_rows)
        _write(d / "case_parties.csv", ("case_no", "party_id", "role", "fees_unpaid"), cp_rows)
        _write(d / "relations.csv", ("from_id", "to_id", "relation", "share", "since", "until"), relation_rows)

    for rec in records:
        truth.entity_of[rec.uid] = rec.true_key
    for name in COMMON_NAMES:
        uids = sorted({r.uid for r in records if everyone[r.true_key].name == name and r.kind == "person"})
        if len({truth.entity_of[u] for u in uids}) > 1:
            truth.lookalikes.append(uids)
    (out / "identity_truth.json").write_text(json.dumps(truth.to_json(), ensure_ascii=False, indent=1),
                                             encoding="utf-8")
    return truth


def _write(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def iter_records(truth: IdentityTruth) -> Iterator[tuple[str, str]]:
    """(uid, true key) of every record, for reports."""
    yield from sorted(truth.entity_of.items())
