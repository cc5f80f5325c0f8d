"""The demo center's customers (``kefu demo``): about 80 people and organisations (R-CUS-1).

End users, merchants / partners and media, with mobile and landline numbers in E.164 (through
``kefu.lib.phones.normalize_phone``, as intake stores them), regions of Shanghai and a few
customers in the tiers that go to senior agents (R-CLS-6).

Idempotent: a customer is recognised by its primary phone number; one that already exists is left
as it is (a tier or name changed by hand is kept), so running the demo again adds nobody. The list
is drawn from a seeded ``random.Random``, so every installation gets the same customers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from kefu.customers.choices import (
    ContactKind,
    CustomerKind,
    CustomerTier,
    CustomerType,
    Source,
)
from kefu.customers.models import ContactPoint, Customer, Tag
from kefu.customers.services import customers_with_phone
from kefu.lib.phones import normalize_phone
from kefu.org.demo import STAFF
from kefu.org.models import User

SEED = 400_2026

REGIONS = [
    "浦东新区",
    "徐汇区",
    "黄浦区",
    "静安区",
    "长宁区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "松江区",
    "青浦区",
    "奉贤区",
    "金山区",
    "崇明区",
]
STREETS = {
    "浦东新区": ["张杨路", "世纪大道", "锦绣路", "川沙路"],
    "徐汇区": ["漕溪北路", "肇嘉浜路", "田林路", "龙华中路"],
    "黄浦区": ["西藏南路", "复兴中路", "河南南路"],
    "静安区": ["共和新路", "延长中路", "北京西路"],
    "长宁区": ["天山路", "仙霞路", "虹桥路"],
    "普陀区": ["真北路", "曹杨路", "光新路"],
    "虹口区": ["四平路", "曲阳路", "大连西路"],
    "杨浦区": ["控江路", "国定路", "黄兴路"],
    "闵行区": ["莘庄路", "七莘路", "都市路"],
    "宝山区": ["友谊路", "牡丹江路", "共和新路"],
    "嘉定区": ["城中路", "博乐路", "塔城路"],
    "松江区": ["中山中路", "文诚路", "荣乐东路"],
    "青浦区": ["公园路", "城中北路", "外青松公路"],
    "奉贤区": ["南桥路", "解放东路", "环城东路"],
    "金山区": ["卫零路", "石化大道", "龙皓路"],
    "崇明区": ["八一路", "人民路", "城桥镇东门路"],
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶贺顾毛郝龚邵万钱严戴孔汤"
)
GIVEN_NAMES = [
    "建国", "秀英", "志强", "丽华", "海燕", "文静", "国强", "春梅", "晓东", "美玲", "振华", "玉兰",
    "宏伟", "淑珍", "立新", "雪梅", "佳怡", "子涵", "浩然", "思雨", "雨桐", "一鸣", "欣怡", "宇航",
    "明", "芳", "敏", "静", "磊", "军", "勇", "艳", "杰", "娟", "超", "霞", "刚", "鹏", "婷", "斌",
]  # fmt: skip
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "177", "180", "181", "186", "187", "189", "199",
]  # fmt: skip


@dataclass(frozen=True)
class Organisation:
    name: str
    customer_type: str
    tier: str
    region: str
    contact: str  # the person who usually calls, e.g. 王经理
    email_domain: str
    note: str = ""


MERCHANT, MEDIA, END_USER = CustomerType.MERCHANT, CustomerType.MEDIA, CustomerType.END_USER
ORDINARY, MAJOR, IMPORTANT = CustomerTier.ORDINARY, CustomerTier.MAJOR, CustomerTier.IMPORTANT
LEASED = CustomerTier.LEASED_LINE

ORGANISATIONS: list[Organisation] = [
    # merchants and partners (A2 complaints, B leads)
    Organisation(
        "上海浦江餐饮管理有限公司", MERCHANT, ORDINARY, "黄浦区", "王经理", "pujiang-food.cn"
    ),
    Organisation("静安区鑫源便利店", MERCHANT, ORDINARY, "静安区", "李店长", "xinyuan-shop.cn"),
    Organisation("徐汇区康桥商务宾馆", MERCHANT, ORDINARY, "徐汇区", "赵总", "kangqiao-hotel.cn"),
    Organisation("闵行区金桥物流有限公司", MERCHANT, ORDINARY, "闵行区", "陈会计", "jinqiao56.cn"),
    Organisation("长宁区佳禾生鲜超市", MERCHANT, ORDINARY, "长宁区", "周店长", "jiahe-fresh.cn"),
    Organisation("杨浦区悦来茶楼", MERCHANT, ORDINARY, "杨浦区", "吴老板", "yuelai-tea.cn"),
    Organisation("宝山区顺达汽车维修厂", MERCHANT, ORDINARY, "宝山区", "孙厂长", "shunda-auto.cn"),
    Organisation(
        "普陀区美家装饰工程有限公司", MERCHANT, ORDINARY, "普陀区", "郑经理", "meijia-deco.cn"
    ),
    Organisation("嘉定区恒达五金商行", MERCHANT, ORDINARY, "嘉定区", "冯老板", "hengda-hw.cn"),
    Organisation("松江区极速网络会所", MERCHANT, ORDINARY, "松江区", "韩经理", "jisu-net.cn"),
    Organisation("青浦区湖畔度假村", MERCHANT, ORDINARY, "青浦区", "邓经理", "hupan-resort.cn"),
    Organisation("奉贤区海湾农家乐", MERCHANT, ORDINARY, "奉贤区", "曹老板", "haiwan-farm.cn"),
    Organisation("虹口区康宁大药房", MERCHANT, ORDINARY, "虹口区", "彭店长", "kangning-pharm.cn"),
    Organisation(
        "上海申城连锁酒店管理有限公司",
        MERCHANT,
        MAJOR,
        "静安区",
        "蒋总监",
        "shencheng-hotels.cn",
        "集团客户，签约客房宽带 1200 间",
    ),
    Organisation(
        "浦东新区陆家嘴联创科技有限公司",
        MERCHANT,
        LEASED,
        "浦东新区",
        "许工",
        "lianchuang-tech.cn",
        "数据专线 2 条（100M），7×24 保障",
    ),
    Organisation(
        "上海汇通证券营业部",
        MERCHANT,
        MAJOR,
        "黄浦区",
        "沈主任",
        "huitong-sec.cn",
        "交易专线，故障须 1 小时内响应",
    ),
    Organisation(
        "徐汇区中心医院信息科",
        END_USER,
        IMPORTANT,
        "徐汇区",
        "姚科长",
        "xhzx-hospital.cn",
        "医疗专网，重要保障单位",
    ),
    Organisation(
        "上海国际会展中心",
        MERCHANT,
        LEASED,
        "闵行区",
        "范经理",
        "sh-expo-center.cn",
        "展会期间临时专线",
    ),
    Organisation(
        "闵行区莘庄镇社区事务受理中心", END_USER, IMPORTANT, "闵行区", "廖科员", "xinzhuang-gov.cn"
    ),
    Organisation(
        "嘉定区安亭汽车零部件有限公司", MERCHANT, LEASED, "嘉定区", "夏工", "anting-parts.cn"
    ),
    # media (C calls)
    Organisation("申城晚报", MEDIA, ORDINARY, "黄浦区", "记者 周晓", "shencheng-eve.cn"),
    Organisation("浦江电视台《新闻直通车》", MEDIA, ORDINARY, "徐汇区", "编导 林倩", "pjtv.cn"),
    Organisation("东海财经网", MEDIA, ORDINARY, "浦东新区", "记者 钱伟", "donghai-fin.cn"),
    Organisation("沪上生活周刊", MEDIA, ORDINARY, "静安区", "编辑 顾敏", "hushang-life.cn"),
    Organisation("上海广播《市民热线》", MEDIA, ORDINARY, "长宁区", "主持人 严冬", "sh-radio.cn"),
    Organisation("看申城新闻客户端", MEDIA, ORDINARY, "杨浦区", "记者 戴琳", "kanshencheng.cn"),
]

PERSON_COUNT = 54
# Person index → tier: a few VIPs and important customers among the individuals.
PERSON_TIERS = {
    3: CustomerTier.VIP,
    11: CustomerTier.VIP,
    24: CustomerTier.VIP,
    37: CustomerTier.VIP,
    18: CustomerTier.IMPORTANT,
}


@dataclass(frozen=True)
class DemoCustomer:
    """One demo customer as loaded: the row, the number that rings, and who usually calls."""

    customer: Customer
    phone: str  # E.164
    contact: str

    @property
    def is_person(self) -> bool:
        return self.customer.kind == CustomerKind.PERSON


@dataclass(frozen=True)
class _Spec:
    name: str
    kind: str
    customer_type: str
    tier: str
    region: str
    contact: str
    phones: tuple[str, ...]  # E.164, primary first
    email: str
    address: str
    notes: str
    vip_level: int | None = None
    birthday: date | None = None
    registered_days_ago: int = 0
    idle_days: int = 0  # days since the last contact outside orders (R-CUS-3 dormancy)
    tags: tuple[str, ...] = ()


def _mobile(rng: random.Random) -> str:
    return normalize_phone(rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}")


def _landline(rng: random.Random) -> str:
    # Shanghai: 021 + eight digits that start with 2-6 (as written on a business card).
    return normalize_phone(f"021-{rng.randint(2, 6)}{rng.randrange(10**7):07d}")


def _specs() -> list[_Spec]:
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not secrets
    staff_names = {person.name for person in STAFF}
    used_phones: set[str] = set()
    used_names: set[str] = set(staff_names)

    def unique_phone(make: Callable[[random.Random], str]) -> str:
        while True:
            phone = make(rng)
            if phone not in used_phones:
                used_phones.add(phone)
                return phone

    def address(region: str) -> str:
        return f"上海市{region}{rng.choice(STREETS[region])}{rng.randint(1, 1800)}号"

    specs: list[_Spec] = []
    for index in range(PERSON_COUNT):
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
            if name not in used_names:
                used_names.add(name)
                break
        region = rng.choice(REGIONS)
        phones = [unique_phone(_mobile)]
        if rng.random() < 0.3:  # a home landline besides the mobile
            phones.append(unique_phone(_landline))
        tier = PERSON_TIERS.get(index, CustomerTier.ORDINARY)
        notes = {
            CustomerTier.VIP: "星级客户，投诉由高级话务员处理",
            CustomerTier.IMPORTANT: "区人大代表，来电优先处理",
        }.get(tier, "")
        email = f"user{rng.randint(1000, 9999)}@example.cn" if rng.random() < 0.25 else ""
        home = address(region) if rng.random() < 0.6 else ""
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
        specs.append(
            _Spec(
                name=name,
                kind=CustomerKind.PERSON,
                customer_type=CustomerType.END_USER,
                tier=tier,
                region=region,
                contact=name,
                phones=tuple(phones),
                email=email,
                address=home,
                notes=notes,
                vip_level=rng.randint(1, 5) if tier == CustomerTier.VIP else None,
                birthday=born,
                registered_days_ago=rng.randint(30, 365 * 8),
                idle_days=rng.randint(1, 700),
                tags=tuple(t for t in ("宽带", "电视", "手机") if rng.random() < 0.3),
            )
        )
    for org in ORGANISATIONS:
        phones = [unique_phone(_landline)]
        if rng.random() < 0.6:  # the contact person's mobile
            phones.append(unique_phone(_mobile))
        specs.append(
            _Spec(
                name=org.name,
                kind=CustomerKind.ORGANISATION,
                customer_type=org.customer_type,
                tier=org.tier,
                region=org.region,
                contact=org.contact,
                phones=tuple(phones),
                email=f"service@{org.email_domain}",
                address=address(org.region),
                notes="；".join(part for part in (f"联系人：{org.contact}", org.note) if part),
                registered_days_ago=rng.randint(365, 365 * 10),
                idle_days=rng.randint(1, 400),
                tags=("集团客户",) if org.tier != ORDINARY else (),
            )
        )
    return specs


@transaction.atomic
def load_customers(created_by: User | None = None) -> list[DemoCustomer]:
    """Create the demo customers that do not exist yet; return all of them in a fixed order."""
    loaded: list[DemoCustomer] = []
    for spec in _specs():
        primary = spec.phones[0]
        customer = customers_with_phone(primary).order_by("pk").first()
        if customer is None:
            now = timezone.now()
            customer = Customer.objects.create(
                name=spec.name,
                kind=spec.kind,
                customer_type=spec.customer_type,
                tier=spec.tier,
                vip_level=spec.vip_level,
                region=spec.region,
                notes=spec.notes,
                birthday=spec.birthday,
                registered_on=timezone.localdate() - timedelta(days=spec.registered_days_ago),
                last_activity_at=now - timedelta(days=spec.idle_days),
                source=Source.HOTLINE if spec.kind == CustomerKind.PERSON else Source.SALES,
                created_by=created_by,
            )
            if spec.tags:
                Tag.objects.bulk_create([Tag(name=t) for t in spec.tags], ignore_conflicts=True)
                customer.tags.set(Tag.objects.filter(name__in=spec.tags))
            contacts = [
                ContactPoint(
                    customer=customer, kind=ContactKind.PHONE, value=phone, is_primary=i == 0
                )
                for i, phone in enumerate(spec.phones)
            ]
            if spec.email:
                contacts.append(
                    ContactPoint(customer=customer, kind=ContactKind.EMAIL, value=spec.email)
                )
            if spec.address:
                contacts.append(
                    ContactPoint(customer=customer, kind=ContactKind.ADDRESS, value=spec.address)
                )
            ContactPoint.objects.bulk_create(contacts)
        loaded.append(DemoCustomer(customer=customer, phone=primary, contact=spec.contact))
    return loaded
