"""R-KB-5: agents search in Chinese and get the right article first.

Questions typed the way agents type them during a call, over the demo knowledge base, each with
the article that must come first. The test prints precision@1 and fails below 0.9; every miss
is listed so a ranking change that loses one is visible.
"""

from __future__ import annotations

from typing import Any

import pytest

from kefu.kb import queries
from kefu.org.models import User

RELEVANCE_SET: list[tuple[str, str]] = [
    ("家里电话没有拨号音", "固定电话无拨号音报修"),
    ("电话里有杂音", "固定电话通话杂音和串线处理"),
    ("电话打不出去只能接", "固定电话只能接听不能拨出"),
    ("新装固话需要什么资料", "固定电话新装办理流程"),
    ("搬家了电话怎么移机", "固定电话移机办理"),
    ("电话过户", "固定电话过户与更名"),
    ("拆机销号", "固定电话拆机销号"),
    ("来电显示怎么开通", "来电显示功能开通"),
    ("呼叫转移怎么设置", "呼叫转移设置方法"),
    ("想换个靓号", "固定电话改号与选号"),
    ("宽带多少钱一个月", "宽带新装办理与资费"),
    ("宽带提速", "宽带提速升级办理"),
    ("宽带暂停", "宽带移机与暂停"),
    ("光猫退还押金", "宽带拆机与光猫退还"),
    ("宽带上不了网", "宽带无法上网报修"),
    ("光猫红灯闪", "光猫光信号灯红灯闪烁"),
    ("拨号错误691", "宽带账号密码错误无法拨号"),
    ("网速很慢", "宽带网速慢处理"),
    ("WiFi密码怎么改", "无线路由器WiFi设置与改密码"),
    ("机顶盒没信号", "IPTV机顶盒无信号"),
    ("小灵通开户", "无线市话开户办理"),
    ("无线市话改套餐", "无线市话套餐变更"),
    ("小灵通信号不好老掉线", "无线市话信号差掉线"),
    ("手机丢了挂失", "无线市话手机丢失挂失"),
    ("市话怎么收费", "固定电话市话与长途资费"),
    ("打国际长途多少钱", "国际及港澳台长途资费"),
    ("查通话详单", "话费账单查询方法"),
    ("这个月话费特别高", "话费异常偏高核查"),
    ("莫名其妙扣费要退订", "增值业务扣费查询与退订"),
    ("在哪里交话费", "话费缴纳渠道"),
    ("交了话费没到账", "缴费后未到账处理"),
    ("开发票", "发票开具方法"),
    ("欠费停机了怎么复机", "欠费停机与复机"),
    ("滞纳金能减免吗", "滞纳金与违约金说明"),
    ("IP卡怎么用", "IP电话卡使用方法"),
    ("电话卡过期了余额", "电话卡余额查询与有效期"),
    ("电话卡被锁了", "电话卡密码错误或卡被锁"),
    ("电话亭吞硬币", "公用电话故障吞卡吞币"),
    ("声讯台乱收费", "声讯台收费投诉处理"),
    ("收到诈骗短信举报", "垃圾短信与骚扰电话举报"),
    ("114查号收费吗", "114查号服务"),
    ("公司电话登记到114", "企业号码登记与变更"),
    ("投诉多久能处理", "投诉受理与处理时限"),
    ("修理工态度很差", "装维人员服务态度投诉"),
    ("维修超时有没有赔偿", "安装维修超时赔偿标准"),
    ("营业厅几点关门", "营业厅地址与营业时间"),
    ("改约上门时间", "上门服务预约与改约"),
    ("宽带老是掉线", "宽带频繁掉线"),
    ("宽带和手机一起办的套餐", "宽带融合套餐"),
    ("早上叫醒服务", "闹钟叫醒服务"),
    ("防止别人盗打长途", "长途限制与密码锁"),
    ("老人优惠套餐", "老年人优惠资费"),
    ("退预存款", "预存款与余额退还"),
    ("光猫坏了换一个", "光猫和路由器更换"),
    ("取消彩铃", "彩铃业务开通与取消"),
    ("小灵通长期不用保号", "无线市话停机保号"),
    ("充值卡充不进去", "充值卡充值失败"),
    ("修改联系电话", "客户资料修改"),
    ("转经理热线", "投诉升级与经理热线"),
]
MIN_PRECISION_AT_1 = 0.9


def test_the_relevance_set_has_at_least_40_queries() -> None:
    assert len(RELEVANCE_SET) >= 40
    assert len({q for q, _ in RELEVANCE_SET}) == len(RELEVANCE_SET)


@pytest.mark.django_db
def test_r_kb_5_precision_at_1_over_the_demo_knowledge_base(
    demo_kb: int, agent: User, capsys: Any
) -> None:
    misses = []
    for query, expected in RELEVANCE_SET:
        found = queries.find(agent, query, limit=3)
        first = found.hits[0].article.title if found.hits else "(nothing)"
        if first != expected:
            misses.append(f"{query!r}: got {first!r}, expected {expected!r}")
    precision = 1 - len(misses) / len(RELEVANCE_SET)
    with capsys.disabled():
        print(f"\nR-KB-5 precision@1 = {precision:.3f} over {len(RELEVANCE_SET)} queries")
        for miss in misses:
            print("  miss:", miss)
    assert precision >= MIN_PRECISION_AT_1, misses


@pytest.mark.django_db
def test_every_expected_article_is_in_the_demo_knowledge_base(demo_kb: int, agent: User) -> None:
    from kefu.kb.models import Article

    titles = set(Article.objects.live().values_list("title", flat=True))
    assert {expected for _, expected in RELEVANCE_SET} <= titles
