"""Demo work orders for ``kefu demo`` (issue 3, item 10): about 300 orders with Chinese text,
across every call type, complaint level, channel and state, so every queue has content.

Every order and every change is made through ``kefu.tickets.actions`` by the demo staff of
``kefu.org.demo`` — agents register and draft, senior agents review and dispatch, department
handlers accept, ask for help and feed back, agents confirm, the callback surveyor closes — so the
timelines, drafts and dispatches are exactly what real use produces.

Times: the actions stamp registration and every timeline event with the present moment, so all
orders carry today's number and today's events; only *received at* (and the contact times in
feedback and customer-contact entries) is spread over the last 30 days, mostly in working
hours, and how far an order has travelled depends on how many days ago it came in (old ones
closed, today's still registered or awaiting review).

Deterministic: each order draws from its own ``random.Random`` seeded with ``SEED`` and its
index, so what the orders say, who handles them and which state each reaches are the same on
every installation and at any time of day (the weekday matters only a little: weekends are
quieter, which moves a few orders two days back).

Idempotent: each demo order carries ``"demo": true`` in the data of its "registered" timeline
event (the marker). ``load_orders`` does nothing when such an event exists, and the whole load
is one transaction, so the demo orders are either all there or not there at all; running the
demo again adds nothing. The demo customers are recognised by their phone numbers
(``kefu.customers.demo``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone, translation

from kefu.customers.demo import REGIONS, STREETS, DemoCustomer, load_customers
from kefu.org.models import Department, User
from kefu.tickets import actions
from kefu.tickets.choices import (
    Channel,
    CloseReason,
    DraftStatus,
    EventKind,
    Priority,
    RouteAction,
    Status,
    Visibility,
)
from kefu.tickets.models import (
    BusinessLine,
    CallType,
    DispatchDraft,
    Nature,
    RequestKind,
    SuggestionSubject,
    Ticket,
    TimelineEvent,
)

SEED = 400_1124
DAYS = 30
TYPE_COUNTS = {"A1": 110, "A2": 36, "B": 26, "C": 16, "D": 20, "E": 72, "F": 20}
MARKER = "demo"  # key in the "registered" event's data

AGENTS = ["1001", "1002", "1003", "1004"]
SENIORS = ["1020", "1021"]
VOIDED = 3  # registered inquiries voided as mistakes
VOID_REASONS = [
    "客户拨错号码，并无诉求，误登。",
    "坐席重复登记了同一通来电。",
    "测试来电，误登为工单。",
]
TEXT_CLERK, RECORDING_CLERK = "1040", "1041"
COMPLAINED_HANDLER = "2001"
DEFAULT_DEPARTMENTS = {"A1": "city-service", "A2": "group-market", "B": "market-ops", "C": "media"}
RESPONSIBLE = {
    "city-service": "2001",
    "group-market": "2101",
    "market-ops": "2201",
    "media": "2301",
    "tech": "2401",
}  # D orders: complaints about how 林涛 handled the first one

# --- What customers say ------------------------------------------------------------------------
# Placeholders filled per order: {district} {street} {amount} {days} {month} {speed} {plan} {app}
# {ref} (the earlier order a D complaint is about).


@dataclass(frozen=True)
class Scenario:
    type: str
    title: str
    detail: str
    nature: str = ""  # Nature code
    line: str = ""  # BusinessLine code
    kind: str = ""  # RequestKind code
    subject: str = ""  # SuggestionSubject code
    answer: str = ""  # what the center tells the customer when it resolves the order itself
    solution: str = ""  # the handler's feedback (R-WO-6)
    effect: str = ""
    department: str = ""  # dispatch somewhere other than the routing default
    for_organisations: bool = False


SCENARIOS: list[Scenario] = [
    # A1 end-user complaints
    Scenario(
        "A1",
        "{month}月账单多扣{amount}元，要求退还",
        "客户称{month}月账单中出现一笔未订购的增值业务费{amount}元，本人从未办理，"
        "要求查明原因并全额退还，否则将向通信管理局投诉。",
        nature="tariff",
        line="info",
        kind="business",
        answer="已查询计费记录，确为误订购的增值业务，已在线退订并申请退费{amount}元，"
        "3个工作日内返还至账户，客户表示接受。",
        solution="核实为营业厅代办业务时误开通增值业务，已退订并退还{amount}元。",
        effect="客户收到退款，表示认可。",
    ),
    Scenario(
        "A1",
        "宽带断网{days}天，报修后无人上门",
        "客户家住{district}{street}，宽带自{days}天前起频繁掉线，现在完全无法上网。"
        "已报修两次均无人上门，孩子上网课受影响，客户情绪激动。",
        nature="repair",
        line="data",
        kind="fault",
        answer="指导客户重启光猫、重新插拔网线后恢复上网，告知如再次断网可直接报修。",
        solution="已上门更换光猫并重新熔接入户光纤。",
        effect="现场测速正常，客户确认恢复上网。",
    ),
    Scenario(
        "A1",
        "新装宽带超过约定时间{days}天仍未安装",
        "客户于营业厅办理{speed}M宽带新装，约定三个工作日内上门安装，已超期{days}天，"
        "期间无人联系，客户要求尽快安装并减免首月费用。",
        nature="install",
        line="data",
        kind="business",
        answer="已查询装机进度，告知客户因小区端口资源紧张需排队，预计{days}日内安装，"
        "客户表示理解。",
        solution="协调装维班组加派人员，已于次日完成安装，并减免首月月租。",
        effect="客户表示满意。",
    ),
    Scenario(
        "A1",
        "{district}营业厅营业员服务态度差",
        "客户反映在{district}营业厅办理过户业务时，营业员态度冷淡、言语不耐烦，"
        "并多次让其重新排队，要求营业厅道歉。",
        nature="service",
        line="fixed",
        kind="other",
        answer="已向客户致歉，记录营业厅名称及办理时间，转营业厅负责人内部通报。",
        solution="营业厅负责人已当面向客户道歉，对当班营业员批评教育并扣减当月考核。",
        effect="客户接受道歉。",
    ),
    Scenario(
        "A1",
        "宽带网速远低于签约的{speed}M",
        "客户办理{speed}M宽带，晚高峰实测仅十几兆，多次测速截图为证，要求解决或降低资费。",
        nature="network",
        line="data",
        kind="fault",
        answer="远程检测线路正常，指导客户更换路由器频段设置后测速恢复正常。",
        solution="技术人员排查发现分光器端口老化，已更换端口并扩容小区出口带宽。",
        effect="晚高峰测速达到签约带宽的九成以上，客户认可。",
        department="tech",
        for_organisations=True,
    ),
    Scenario(
        "A1",
        "家中固定电话通话杂音大",
        "客户反映家中座机通话时有严重的电流声，对方听不清，已持续一周，影响家中老人与子女联系。",
        nature="network",
        line="fixed",
        kind="fault",
        answer="经远程测试线路，告知客户更换电话机后杂音消失。",
        solution="更换入户电话线及接线盒，杂音消除。",
        effect="客户试拨确认通话清晰。",
    ),
    Scenario(
        "A1",
        "套餐变更后仍按原资费扣费",
        "客户上月已在App申请将{plan}改为低档套餐，本月仍按原套餐扣费{amount}元，要求补退差价。",
        nature="tariff",
        line="info",
        kind="business",
        answer="核实套餐变更已于本月1日生效，本月扣费为上月费用，已向客户解释清楚。",
        solution="系统工单未同步导致变更延迟，已补办变更并退还差价{amount}元。",
        effect="客户认可处理结果。",
    ),
    Scenario(
        "A1",
        "{app}无法登录，收不到验证码",
        "客户称近三天{app}无法登录，点击获取验证码后一直收不到短信，无法查询话费和办理业务。",
        nature="product",
        line="info",
        kind="fault",
        answer="核实客户手机开启了短信拦截，指导关闭拦截后收到验证码，已正常登录。",
        solution="排查为短信网关对该号段限流，已解除限流。",
        effect="客户已能正常登录。",
        department="tech",
    ),
    Scenario(
        "A1",
        "已缴费仍被停机",
        "客户昨天通过App缴费{amount}元，扣款成功，但号码至今仍处于停机状态，无法接打电话。",
        nature="error",
        line="wireless-local",
        kind="fault",
        answer="核实缴费已到账，已手工复机，告知客户5分钟内恢复。",
        solution="缴费渠道对账延迟，已手工复机并补偿当月通信费20元。",
        effect="客户号码已恢复使用。",
    ),
    Scenario(
        "A1",
        "装维人员预约上门后爽约",
        "客户预约今天上午上门维修宽带，专门请假在家等候，装维人员既未上门也未来电说明，"
        "客户非常不满。",
        nature="service",
        line="data",
        kind="repair",
        answer="向客户致歉，重新预约下午上门时间，并提醒装维班组按时到达。",
        solution="装维班长已致电客户致歉，重新预约并按时上门完成维修。",
        effect="客户表示接受。",
    ),
    Scenario(
        "A1",
        "移机申请提交两周未处理",
        "客户搬家至{district}{street}，两周前在营业厅申请固话和宽带移机，至今无人联系，"
        "要求尽快办理。",
        nature="install",
        line="fixed",
        kind="business",
        answer="查询到移机单已派发，告知客户装维人员将于明日联系预约。",
        solution="已完成移机，新址固话和宽带均已开通。",
        effect="客户确认使用正常。",
    ),
    Scenario(
        "A1",
        "充值卡充值不到账",
        "客户购买面值{amount}元的充值卡，充值时提示成功但账户余额未增加。",
        nature="error",
        line="phone-card",
        kind="fault",
        answer="查询到充值记录，系统延迟入账，现已到账，客户确认。",
        solution="核实卡号已被使用，系统补录充值{amount}元。",
        effect="客户查询余额已到账。",
    ),
    Scenario(
        "A1",
        "小区手机信号差，室内经常无服务",
        "客户反映{district}{street}一带近一个月手机信号很差，室内经常显示无服务，"
        "多次错过重要电话。",
        nature="network",
        line="wireless-local",
        kind="fault",
        answer="告知客户附近基站正在扩容，预计下月改善，已记录客户地址。",
        solution="已在小区加装室内分布设备，信号覆盖明显改善。",
        effect="客户反馈室内通话正常。",
        department="tech",
    ),
    Scenario(
        "A1",
        "退订视频会员后仍每月扣费",
        "客户三个月前已退订视频会员，但之后每月仍被扣费，累计{amount}元，要求退还。",
        nature="tariff",
        line="info",
        kind="business",
        answer="核实退订未成功，已重新退订并申请退还当月费用。",
        solution="确认退订操作未同步至合作方，已补退订并退还{amount}元。",
        effect="客户认可。",
    ),
    Scenario(
        "A1",
        "数据专线中断，业务系统无法访问",
        "客户单位的数据专线自今天上午起中断，办公及业务系统无法访问外网，影响正常营业，"
        "要求立即派人处理。",
        nature="repair",
        line="data",
        kind="incident",
        answer="远程复位专线终端后恢复，已提醒客户关注。",
        solution="抢修人员到场发现光缆被施工挖断，已熔接抢通。",
        effect="专线恢复，客户确认业务正常。",
        department="tech",
        for_organisations=True,
    ),
    Scenario(
        "A1",
        "单位总机中继线故障，外线打不进来",
        "客户单位总机自今天上午起外线无法呼入，只能呼出，影响对外业务联系，要求尽快修复。",
        nature="repair",
        line="fixed",
        kind="incident",
        answer="远程重置中继线路后恢复呼入，已提醒客户关注。",
        solution="技术人员到场检查，更换故障中继板，呼入恢复正常。",
        effect="客户试呼确认正常。",
        department="tech",
        for_organisations=True,
    ),
    # A2 merchant / partner complaints
    Scenario(
        "A2",
        "商户结算款延迟{days}天未到账",
        "商户反映{month}月上半月的扫码收款结算款{amount}00元已超过约定到账时间{days}天，"
        "影响进货资金周转。",
        nature="error",
        line="info",
        kind="business",
        solution="财务核实为结算账户信息变更未审核，已补审并完成结算。",
        effect="商户确认款项到账。",
    ),
    Scenario(
        "A2",
        "收款手续费与签约费率不符",
        "商户称签约费率为0.38%，本月对账单实际按0.6%收取手续费，多收约{amount}元，要求退还。",
        nature="tariff",
        line="info",
        kind="business",
        solution="核实费率配置错误，已按签约费率调整并退还多收手续费{amount}元。",
        effect="商户认可处理结果。",
    ),
    Scenario(
        "A2",
        "合作推广返利未按协议发放",
        "合作门店反映上季度代办宽带{days}0户，协议约定的推广返利至今未发放，多次催问无果。",
        nature="tariff",
        line="data",
        kind="cooperation",
        solution="返利审批已完成，款项于本周内发放，并向商户说明延误原因。",
        effect="商户表示接受。",
    ),
    Scenario(
        "A2",
        "商户管理后台无法导出对账单",
        "商户反映近一周商户管理后台导出对账单时一直报错，无法与财务对账。",
        nature="product",
        line="info",
        kind="fault",
        solution="后台导出功能缺陷已修复，并为商户补发本月对账单。",
        effect="商户已正常导出。",
    ),
    Scenario(
        "A2",
        "门店宽带中断影响收银",
        "商户门店宽带今天中午起中断，收银系统无法联网，只能收现金，影响营业，要求立即处理。",
        nature="repair",
        line="data",
        kind="incident",
        solution="抢修人员到场更换故障光猫，网络恢复。",
        effect="门店收银恢复正常。",
        for_organisations=True,
    ),
    Scenario(
        "A2",
        "业务员承诺免收安装费但仍被收取",
        "商户称签约时业务员承诺免收安装调测费，但本月账单中收取了{amount}元，要求兑现承诺。",
        nature="error",
        line="fixed",
        kind="business",
        solution="核实业务员确有承诺，已退还安装调测费{amount}元，并对业务员进行批评教育。",
        effect="商户满意。",
    ),
    # B prospective merchants
    Scenario(
        "B",
        "咨询扫码收款合作及费率",
        "{customer}负责人来电，希望开通扫码收款，了解费率及结算周期。",
        kind="cooperation",
        line="info",
        solution="市场运营部客户经理已上门洽谈，提供签约费率方案。",
        effect="商户有签约意向，约定下周签约。",
    ),
    Scenario(
        "B",
        "咨询门店批量办理宽带优惠",
        "{customer}计划为下属{days}家门店统一办理宽带，询问批量办理的优惠政策。",
        kind="cooperation",
        line="data",
        solution="客户经理已上门勘察并提交整体接入方案及报价。",
        effect="商户正在内部审批。",
    ),
    Scenario(
        "B",
        "咨询企业专线与组网方案",
        "{customer}希望各经营点统一组网并开通企业专线，请求客户经理联系。",
        kind="cooperation",
        line="data",
        solution="已安排客户经理及技术支撑上门沟通组网需求，出具专线方案。",
        effect="客户已确认方案，进入报价阶段。",
    ),
    Scenario(
        "B",
        "希望代理宽带及套餐业务",
        "{customer}希望在店内代理宽带及套餐业务，询问代理商准入条件。",
        kind="cooperation",
        line="data",
        solution="已向商户发送代理商准入条件及申请材料清单。",
        effect="商户将于本周提交材料。",
    ),
    Scenario(
        "B",
        "咨询商用Wi-Fi合作",
        "{customer}希望为顾客提供免费Wi-Fi，咨询商用Wi-Fi方案及广告分成合作。",
        kind="cooperation",
        line="data",
        solution="市场运营部已与商户签订意向书，安排上门勘察。",
        effect="合作推进中。",
    ),
    Scenario(
        "B",
        "App商城入驻合作咨询",
        "{customer}希望入驻{app}商城，询问入驻流程与佣金比例。",
        kind="cooperation",
        line="info",
        solution="已将入驻流程和佣金标准发送给商户，并开通入驻申请通道。",
        effect="商户已提交入驻申请。",
    ),
    # C media
    Scenario(
        "C",
        "记者采访宽带提速降费落实情况",
        "{customer}来电，希望就本市宽带提速降费落实情况进行采访，约定采访时间。",
        kind="other",
        solution="媒介部已安排新闻发言人接受采访并提供书面材料。",
        effect="报道已按口径发布。",
    ),
    Scenario(
        "C",
        "媒体询问{district}大面积断网原因",
        "{customer}来电询问昨晚{district}大面积宽带中断的原因、影响范围及恢复时间。",
        kind="other",
        solution="媒介部已提供故障说明：光缆被市政施工挖断，当晚已抢通，受影响用户将获补偿。",
        effect="媒体已按说明报道。",
    ),
    Scenario(
        "C",
        "报社核实用户投诉线索",
        "{customer}收到读者投诉称被乱收费，来电核实情况并希望获得公司回应。",
        kind="other",
        solution="媒介部已核实情况并书面回复，涉及用户已由客服中心联系处理。",
        effect="媒体表示将客观报道。",
    ),
    Scenario(
        "C",
        "电视台栏目邀请参加直播访谈",
        "{customer}邀请公司派员参加下周关于通信消费维权的直播访谈节目。",
        kind="other",
        solution="媒介部已确认派员出席并准备访谈提纲。",
        effect="节目已按计划播出。",
    ),
    Scenario(
        "C",
        "询问App个人信息保护措施",
        "{customer}就近期用户关心的{app}个人信息收集问题来电采访，希望了解公司的保护措施。",
        kind="other",
        solution="媒介部会同技术部提供书面说明并安排专人答复。",
        effect="媒体已刊发公司回应。",
    ),
    # D secondary complaints (about how 林涛 of 城市客服部 handled the first one)
    Scenario(
        "D",
        "对上次宽带投诉处理结果不满，再次投诉",
        "客户称此前投诉宽带故障（原工单 {ref}），处理人员仅电话回复已修好，实际问题依旧，"
        "也未上门，要求更换处理人员并给出说法。",
        nature="service",
        line="data",
        kind="fault",
        solution="部门负责人亲自带队上门，更换入户线路，并就前次处理不到位向客户致歉。",
        effect="客户接受处理，表示满意。",
    ),
    Scenario(
        "D",
        "投诉处理人员态度敷衍",
        "客户反映上次投诉（原工单 {ref}）的处理人员电话中态度敷衍，承诺的回电一直没有兑现。",
        nature="service",
        line="fixed",
        kind="other",
        solution="部门负责人已向客户道歉，对处理人员进行约谈并重新跟进原诉求。",
        effect="客户表示认可。",
    ),
    Scenario(
        "D",
        "退费承诺未兑现，再次投诉",
        "客户称上次投诉（原工单 {ref}）时承诺三个工作日内退费，至今已过{days}天仍未到账。",
        nature="tariff",
        line="info",
        kind="business",
        solution="财务已加急办理退费，部门负责人致电客户说明延误原因并致歉。",
        effect="退费已到账，客户满意。",
    ),
    Scenario(
        "D",
        "维修后故障再次出现",
        "客户此前报修（原工单 {ref}）后维修人员称已修复，但不到一周故障再次出现，要求彻底解决。",
        nature="repair",
        line="data",
        kind="repair",
        solution="部门负责人安排资深装维人员上门，彻底更换老化线路。",
        effect="故障排除，客户满意。",
    ),
    # E inquiries and suggestions
    Scenario(
        "E",
        "咨询宽带套餐资费",
        "客户询问{speed}M宽带包年价格及新装是否有优惠。",
        kind="business",
        line="data",
        answer="已介绍当前{speed}M宽带包年及融合套餐优惠，客户表示考虑后到营业厅办理。",
    ),
    Scenario(
        "E",
        "咨询携号转网办理条件",
        "客户想将号码转入本网，询问携号转网的条件和流程。",
        kind="business",
        line="wireless-local",
        answer="告知携号转网办理条件及流程，并提醒合约期内需先在原运营商解约。",
    ),
    Scenario(
        "E",
        "咨询电子发票开具方法",
        "客户需要报销，询问如何开具近三个月的电子发票。",
        kind="business",
        line="info",
        answer="指导客户在App“费用-发票”中申请电子发票，已成功开具。",
    ),
    Scenario(
        "E",
        "咨询营业厅地址和营业时间",
        "客户询问{district}附近营业厅的地址和周末营业时间。",
        kind="other",
        answer="告知{district}营业厅地址及营业时间（周一至周日 9:00-18:00）。",
    ),
    Scenario(
        "E",
        "咨询国际漫游开通方法",
        "客户下周出国，询问如何开通国际漫游及资费标准。",
        kind="business",
        line="wireless-local",
        answer="已说明开通方式和日套餐资费，客户通过App自助开通。",
    ),
    Scenario(
        "E",
        "咨询积分兑换规则",
        "客户询问账户积分的有效期以及可兑换的礼品。",
        kind="business",
        line="info",
        answer="告知积分有效期至次年年底，指导客户在App“我的-积分”中兑换话费。",
    ),
    Scenario(
        "E",
        "咨询停机保号办理",
        "客户将出国半年，询问如何办理停机保号及费用。",
        kind="business",
        line="wireless-local",
        answer="告知停机保号每月5元，可在App或营业厅办理，客户已在App提交申请。",
    ),
    Scenario(
        "E",
        "咨询固话过户所需材料",
        "客户父亲的固话要过户给本人，询问需要带哪些材料。",
        kind="business",
        line="fixed",
        answer="告知需携带双方身份证原件及过户申请表，原机主不能到场需提供委托书。",
    ),
    Scenario(
        "E",
        "咨询宽带到期续约优惠",
        "客户宽带下月到期，询问续约是否有优惠。",
        kind="business",
        line="data",
        answer="告知续约两年可享8折优惠并赠送路由器，客户同意续约，已登记。",
    ),
    Scenario(
        "E",
        "咨询副卡办理及共享流量",
        "客户想为家人办理副卡，询问副卡月费和流量共享方式。",
        kind="business",
        line="wireless-local",
        answer="说明副卡每张每月10元，主副卡共享套餐内流量，客户将到营业厅办理。",
    ),
    Scenario(
        "E",
        "咨询App如何查询通话详单",
        "客户不会在{app}上查询通话详单，请求指导。",
        kind="other",
        line="info",
        answer="一步步指导客户在App“查询-详单”中输入验证码查询，客户已查到。",
    ),
    Scenario(
        "E",
        "建议营业厅延长周末营业时间",
        "客户建议{district}营业厅周末延长营业时间到20:00，方便上班族办理业务。",
        kind="suggestion",
        subject="service",
        answer="感谢客户建议，已记录并转相关部门研究。",
    ),
    Scenario(
        "E",
        "建议App增加大字模式",
        "客户反映家中老人使用{app}时字太小，建议增加大字版或长辈模式。",
        kind="suggestion",
        subject="new-business",
        answer="感谢客户建议，已记录转产品部门，并告知可先调大手机系统字体。",
    ),
    Scenario(
        "E",
        "咨询企业宽带固定IP申请",
        "客户单位需要为视频监控系统申请固定公网IP，询问办理条件和技术要求。",
        kind="business",
        line="data",
        answer="已介绍固定IP申请条件，客户将准备材料。",
        solution="技术部已为客户说明固定IP申请流程并协助提交申请，IP已分配。",
        effect="客户监控系统已可远程访问。",
        department="tech",
    ),
    Scenario(
        "E",
        "咨询单位批量开户政策",
        "客户单位有30名员工需要办理手机卡，询问集团客户批量开户优惠政策。",
        kind="business",
        line="wireless-local",
        answer="已介绍集团客户开户政策，客户将联系客户经理。",
        solution="客户经理已联系客户，提供集团套餐方案并预约上门开户。",
        effect="客户已确认办理。",
        department="market-ops",
    ),
    # F harassment (closed politely and recorded)
    Scenario("F", "来电无声", "接通后无人说话。", answer="接通后无人说话，按规范提示三次后挂机。"),
    Scenario(
        "F",
        "来电人辱骂坐席",
        "来电人无具体诉求，持续辱骂坐席。",
        answer="来电人无具体诉求，持续辱骂坐席，已按规范警告后结束通话并记录号码。",
    ),
    Scenario(
        "F",
        "推销贷款来电",
        "对方推销贷款业务。",
        answer="对方推销贷款业务，已礼貌拒绝并结束通话。",
    ),
    Scenario(
        "F",
        "反复来电闲聊",
        "来电人反复来电闲聊，无业务诉求。",
        answer="来电人本日多次来电闲聊，无业务诉求，已礼貌结束通话。",
    ),
    Scenario(
        "F",
        "疑似醉酒来电",
        "来电人言语不清，无业务诉求。",
        answer="来电人疑似醉酒，言语不清，无业务诉求，已礼貌结束通话。",
    ),
    Scenario(
        "F",
        "儿童误拨",
        "儿童误拨客服热线。",
        answer="儿童误拨，已提醒家长看护后结束通话。",
    ),
]

CHANNELS: dict[str, dict[str, int]] = {
    "A1": {
        Channel.PHONE: 40,
        Channel.WECHAT: 8,
        Channel.WEIBO: 5,
        Channel.WEB: 8,
        Channel.EMAIL: 6,
        Channel.LETTER: 4,
        Channel.WALK_IN: 5,
        Channel.EXTERNAL: 8,
        Channel.RECORDING: 4,
        Channel.OUTBOUND: 3,
        Channel.FAX: 1,
        Channel.MEMO: 2,
    },
    "A2": {
        Channel.PHONE: 40,
        Channel.EMAIL: 20,
        Channel.FAX: 10,
        Channel.MEMO: 10,
        Channel.WEB: 10,
        Channel.WALK_IN: 5,
        Channel.EXTERNAL: 5,
    },
    "B": {
        Channel.PHONE: 50,
        Channel.WEB: 20,
        Channel.EMAIL: 15,
        Channel.WALK_IN: 10,
        Channel.MEMO: 5,
    },
    "C": {Channel.PHONE: 50, Channel.EMAIL: 20, Channel.WEIBO: 15, Channel.WECHAT: 15},
    "D": {
        Channel.PHONE: 50,
        Channel.EXTERNAL: 20,
        Channel.LETTER: 10,
        Channel.WEIBO: 10,
        Channel.EMAIL: 10,
    },
    "E": {
        Channel.PHONE: 60,
        Channel.WEB: 12,
        Channel.WECHAT: 12,
        Channel.EMAIL: 5,
        Channel.RECORDING: 6,
        Channel.OUTBOUND: 5,
    },
    "F": {Channel.PHONE: 85, Channel.RECORDING: 15},
}
LEVELS = {
    "A1": {"I": 20, "II": 18, "III": 40, "IV": 22},
    "A2": {"I": 25, "II": 25, "III": 35, "IV": 15},
    "D": {"II": 20, "III": 50, "IV": 30},
}
EXTERNAL_SOURCES = [
    "12345市民服务热线",
    "12345市民服务热线",
    "市消费者权益保护委员会",
    "集团客服中心",
]
MEMO_SOURCES = ["营业厅", "工程建设部", "财务部", "集团客户部"]
PLANS = ["199元融合套餐", "129元畅享套餐", "99元家庭套餐"]
APPS = ["掌上营业厅App", "华信生活App"]
NUISANCE_NUMBERS = ["+8617091234567", "+8616612345678", "+8619987654321"]

INSTRUCTIONS = {
    "A1": "请24小时内联系客户处理，需上门的预约上门，处理结果当日反馈。",
    "A2": "请核实商户反映的情况，48小时内答复商户并反馈。",
    "B": "意向商户，请客户经理2个工作日内联系洽谈。",
    "C": "媒体来电，请媒介部统一口径答复，其他部门不直接回应。",
    "D": "二次投诉，请部门负责人亲自处理并当日反馈。",
    "E": "请协助答复客户，结果反馈中心。",
}
SEND_BACK_DRAFT = [
    "派单说明不完整，请补充客户地址和故障现象。",
    "请写明客户诉求和已向客户做的解释再提交。",
    "请补充客户方便上门的时间段。",
]
AMEND_NOTES = ["改派郑浩处理，林涛本周片区工单较多。", "补充：客户要求上门前电话预约。"]
FOLLOW_UPS = [
    "客户来电催促，要求今天内上门，处理时限调整为当日18:00前。",
    "客户补充：同楼其他住户也有相同问题，请一并排查。",
    "客户更换了联系电话，请改用工单中的新号码联系。",
]
WITHDRAWALS = [
    "客户来电表示问题已自行解决，要求撤销工单。",
    "客户已与营业厅当面协商解决，申请退单。",
]
HELP_REASONS = [
    "涉及小区光缆改造，需要工程部配合，本部门无法在时限内完成，请部门负责人协调。",
    "客户要求赔偿，超出本人处理权限，请负责人决定。",
    "需要财务部门配合核账，预计超出时限。",
]
REMAINING = {  # R-WO-6 "remaining issues", now and then
    "A1": "客户要求的赔偿需公司审批，审批结果另行告知。",
    "A2": "商户要求补偿损失，需公司审批后答复。",
    "B": "合同条款待法务审核。",
    "D": "客户要求书面道歉，待部门负责人签发。",
}
SEND_BACK_FEEDBACK = [
    "回访客户称问题仍未解决，请再次上门处理。",
    "反馈未写明客户是否认可，请补充后再反馈。",
]
PROGRESS_LOGS = [
    "已致电客户告知工单已派至{department}，对方将在24小时内联系。",
    "客户未接听，已发短信告知处理进度。",
    "已告知客户处理部门正在核实，请耐心等待。",
]
HANDLER_CONTACTS = {
    "A1": [
        "已电话联系客户，预约明天上午上门。",
        "已与客户沟通，客户同意先远程排查。",
        "已上门查看现场，需备料后再次上门。",
    ],
    "A2": ["已电话联系商户负责人，约定明天上门核实。", "已向商户说明核查进度。"],
    "B": ["已电话联系商户，约定下周上门洽谈。", "已向商户发送合作方案资料。"],
    "C": ["已与记者电话沟通采访安排。", "已向媒体发送书面说明材料。"],
    "D": ["部门负责人已亲自致电客户致歉，约定上门时间。"],
    "E": ["已电话联系客户，了解具体需求。"],
}
INTERNAL_NOTES = [
    "客户为老年人，回访时请放慢语速。",
    "该客户本月多次来电，情绪较激动，注意沟通方式。",
    "客户要求只在工作日下午联系。",
    "客户留有备用联系电话，见客户资料。",
]
CUSTOMER_NOTES = ["已通过短信告知客户工单编号，便于查询进度。"]
REPEAT_CONTACTS = [
    (Channel.PHONE, "客户再次来电催问处理进度。"),
    (Channel.WECHAT, "客户通过微信追问处理进度。"),
    (Channel.PHONE, "客户来电补充说明情况，要求尽快处理。"),
]
URGENT_REASONS = [
    "客户情绪激动，表示将向媒体反映，加急处理。",
    "已有媒体关注此事，加急处理。",
]

# Reached states by days since received (0 = today): the older an order, the further it has
# come. "withdrawn" is closed at the customer's request (R-WO-5).
DISPATCH_TARGETS = [
    (1, {"registered": 30, "awaiting_review": 42, "dispatched": 18, "in_progress": 10}),
    (
        2,
        {
            "registered": 15,
            "awaiting_review": 35,
            "dispatched": 20,
            "in_progress": 22,
            "fed_back": 8,
        },
    ),
    (
        7,
        {
            "registered": 3,
            "awaiting_review": 8,
            "dispatched": 12,
            "in_progress": 27,
            "fed_back": 15,
            "pending_callback": 15,
            "closed": 17,
            "withdrawn": 3,
        },
    ),
    (
        DAYS + 3,
        {"in_progress": 8, "fed_back": 6, "pending_callback": 14, "closed": 67, "withdrawn": 5},
    ),
]
CENTER_TARGETS = [
    (1, {"registered": 60, "pending_callback": 40}),
    (3, {"registered": 20, "pending_callback": 45, "closed": 35}),
    (DAYS + 3, {"pending_callback": 15, "closed": 85}),
]
# Days ago → weight: recent days carry more orders (the open backlog is recent).
DAY_WEIGHTS = [12, 8, 5, 4, 3, 3, 2, 2] + [1] * (DAYS - 8)
# Hour of day → weight: the hotline is busiest mid-morning and mid-afternoon.
HOURS = {
    0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 2, 7: 6, 8: 30, 9: 80, 10: 100, 11: 90, 12: 50,
    13: 60, 14: 90, 15: 90, 16: 80, 17: 60, 18: 40, 19: 30, 20: 20, 21: 10, 22: 5, 23: 2,
}  # fmt: skip


@dataclass
class Plan:
    """One order to be made: what it is, who calls, and how far it gets.

    Each plan draws from its own ``random.Random`` seeded with SEED and its index, so what an
    order says and how far it gets never depend on the clock or on the orders made before it.
    """

    index: int
    rng: random.Random
    scenario: Scenario
    channel: str
    customer: DemoCustomer | None
    level: str = ""
    day: int = 0  # days before today (center-local) that it was received
    received_at: datetime = field(default_factory=timezone.now)
    target: str = "registered"
    values: dict[str, Any] = field(default_factory=dict)
    complaint_of: Plan | None = None  # the earlier order a D complaint is about
    number: str = ""


# --- Reading back --------------------------------------------------------------------------------


def demo_orders() -> QuerySet[Ticket]:
    """The orders the demo registered (recognised by the marker on their registration event)."""
    registered = TimelineEvent.objects.filter(
        kind=EventKind.REGISTERED, **{f"data__{MARKER}": True}
    ).values("ticket_id")
    return Ticket.objects.filter(pk__in=registered)


def loaded() -> bool:
    return TimelineEvent.objects.filter(
        kind=EventKind.REGISTERED, **{f"data__{MARKER}": True}
    ).exists()


def summary_line() -> str:
    """The line ``Demo orders: 300 (registered 40, awaiting review 25, …)``, from the database."""
    orders = demo_orders()
    by_status = dict(orders.values_list("status").annotate(n=Count("id")).order_by())
    by_reason = dict(
        orders.filter(status=Status.CLOSED)
        .values_list("close_reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    with translation.override("en"):  # the command speaks English, like its other lines
        parts = [f"{str(s.label).lower()} {by_status.get(s.value, 0)}" for s in Status]
    closed = " / ".join(f"{r.value} {by_reason.get(r.value, 0)}" for r in CloseReason)
    drafts = DispatchDraft.objects.filter(ticket__in=orders, status=DraftStatus.PENDING).count()
    return (
        f"Demo orders: {sum(by_status.values())} ({', '.join(parts)}; closed as {closed}; "
        f"drafts awaiting review {drafts})"
    )


# --- Loading -------------------------------------------------------------------------------------


def load_orders(customers: list[DemoCustomer] | None = None) -> int:
    """Register the demo orders and drive each to its state; return how many were made (0 when
    they are already there)."""
    with transaction.atomic():
        if loaded():
            return 0
        return _Loader(customers if customers is not None else load_customers()).run()


class _Loader:
    def __init__(self, customers: list[DemoCustomer]) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - replaced by each plan's own
        self.index = 0  # the plan being made
        self.now = timezone.now()
        self.customers = customers
        self.users = {u.employee_no: u for u in User.objects.filter(is_active=True)}
        self.by_id = {u.pk: u for u in self.users.values()}
        self.departments = {d.code: d for d in Department.objects.all()}
        self.department_by_id = {d.pk: d for d in self.departments.values()}
        self.types = {t.code: t for t in CallType.objects.all()}
        self.natures = {n.code: n for n in Nature.objects.all()}
        self.lines = {b.code: b for b in BusinessLine.objects.all()}
        self.kinds = {k.code: k for k in RequestKind.objects.all()}
        self.subjects = {s.code: s for s in SuggestionSubject.objects.all()}
        self.routes = {
            code + level: actions.route_for(call_type, level)
            for code, call_type in self.types.items()
            for level in ("", "I", "II", "III", "IV")
            if call_type.is_complaint or not level
        }

    # -- planning --

    def run(self) -> int:
        plans = self.plan()
        for plan in sorted(plans, key=lambda p: (p.received_at, p.index)):
            self.make(plan)
        self.void_mistakes()
        return len(plans)

    def void_mistakes(self) -> None:
        """A few inquiries registered by mistake, voided by a senior agent (作废): closed with
        no callback and left out of every report."""
        senior = self.users[SENIORS[0]]
        mistaken = (
            demo_orders()
            .filter(status=Status.REGISTERED, call_type__code="E", has_pending_draft=False)
            .order_by("id")[:VOIDED]
        )
        for ticket in mistaken:
            actions.void(senior, ticket, self.rng.choice(VOID_REASONS), expected_version=None)

    def plan(self) -> list[Plan]:
        persons = [c for c in self.customers if c.is_person]
        merchants = [c for c in self.customers if c.customer.customer_type == "merchant"]
        media = [c for c in self.customers if c.customer.customer_type == "media"]
        big_orgs = [c for c in self.customers if not c.is_person and c.customer.needs_senior]
        # Some people call far more often than others.
        person_weights = [4 if i % 7 == 0 else 1 for i in range(len(persons))]
        type_codes = [code for code, count in TYPE_COUNTS.items() for _ in range(count)]
        plans: list[Plan] = []
        for index, type_code in enumerate(type_codes):
            self.rng = rng = random.Random(f"{SEED}:{index}")  # noqa: S311 - demo data
            scenarios = [s for s in SCENARIOS if s.type == type_code]
            customer: DemoCustomer | None
            if type_code == "A1" and rng.random() < 0.12:
                customer = rng.choice(big_orgs)
                scenario = rng.choice([s for s in scenarios if s.for_organisations])
            else:
                scenario = rng.choice(scenarios)
                if type_code in {"A1", "E"} and not (type_code == "E" and rng.random() < 0.1):
                    customer = rng.choices(persons, person_weights)[0]
                elif type_code in {"A2", "B", "E"}:
                    customer = rng.choice(merchants)
                elif type_code == "C":
                    customer = rng.choice(media)
                else:
                    customer = None  # D picks its customer below; F callers are unknown
            plan = Plan(
                index=index,
                rng=rng,
                scenario=scenario,
                channel=self.pick(CHANNELS[type_code]),
                customer=customer,
                level=self.pick(LEVELS[type_code]) if type_code in LEVELS else "",
                values=self.values(customer),
            )
            plan.day, plan.received_at = self.received(rng)
            plans.append(plan)
        # A D complaint comes back about an A1 order at least two days old (R-CLS-1).
        first_orders = [
            p
            for p in plans
            if p.scenario.type == "A1"
            and p.customer
            and p.customer.is_person
            and p.received_at < self.now - timedelta(days=2)
        ]
        today = timezone.localtime(self.now).date()
        for plan in plans:
            self.rng = plan.rng
            if plan.scenario.type == "D":
                first = self.rng.choice(first_orders)
                plan.complaint_of, plan.customer = first, first.customer
                plan.values = self.values(first.customer)
                later = first.received_at + timedelta(days=self.rng.uniform(2, 10))
                soon = self.now - timedelta(minutes=self.rng.uniform(10, 180))
                plan.received_at = min(later, soon)
                plan.day = (today - timezone.localtime(plan.received_at).date()).days
            plan.target = self.target(plan)
        return plans

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def values(self, customer: DemoCustomer | None) -> dict[str, Any]:
        rng = self.rng
        district = (customer.customer.region if customer else "") or rng.choice(REGIONS)
        return {
            "district": district,
            "street": rng.choice(STREETS[district]) + f"{rng.randint(1, 999)}弄",
            "amount": rng.choice([15, 18, 30, 45, 58, 99, 120, 198, 300]),
            "days": rng.randint(2, 6),
            "speed": rng.choice([100, 300, 500, 1000]),
            "plan": rng.choice(PLANS),
            "app": rng.choice(APPS),
            "customer": customer.customer.name if customer else "",
        }

    def received(self, rng: random.Random) -> tuple[int, datetime]:
        """Days ago and the moment: the last DAYS days, mostly working hours, quieter weekends.

        A fixed number of draws whatever the clock says, so that the rest of the plan does not
        shift with the time of day the demo is loaded.
        """
        today = timezone.localtime(self.now).date()
        day = rng.choices(range(DAYS), DAY_WEIGHTS)[0]
        hour = rng.choices(list(HOURS), list(HOURS.values()))[0]
        minute, second = rng.randrange(60), rng.randrange(60)
        quiet_weekend, minutes_ago = rng.random() < 0.4, rng.uniform(10, 180)
        if day >= 7 and quiet_weekend and (today - timedelta(days=day)).weekday() >= 5:
            day += 2  # fewer contacts at weekends: this one came in on Thursday or Friday
        moment = timezone.make_aware(
            datetime.combine(today - timedelta(days=day), time(hour, minute, second))
        )
        if moment >= self.now - timedelta(minutes=10):  # later today than it is now
            moment = max(
                self.now - timedelta(minutes=minutes_ago),
                timezone.make_aware(datetime.combine(today, time.min)),
            )
        return day, moment

    def target(self, plan: Plan) -> str:
        if plan.scenario.type == "F":
            return "closed"
        table = CENTER_TARGETS if self.center_resolves(plan) else DISPATCH_TARGETS
        for limit, weights in table:
            if plan.day < limit:
                return self.pick(weights)
        return "closed"

    def center_resolves(self, plan: Plan) -> bool:
        """E and A1 levels I–II are answered by the center (R-WO-2) unless sent elsewhere."""
        if plan.scenario.type == "E":
            return not plan.scenario.department
        route = self.routes[plan.scenario.type + plan.level]
        return route.action == RouteAction.CENTER

    # -- people --

    def user(self, employee_no: str) -> User:
        return self.users[employee_no]

    def department(self, pk: int | None) -> Department:
        """A department the order was sent to, from the loader's own copies (no query)."""
        if pk is None:
            raise ValueError("the order has not been dispatched")
        return self.department_by_id[pk]

    def agent(self) -> User:
        return self.user(self.rng.choice(AGENTS))

    def other_senior(self, *not_these: User) -> User:
        choices = [self.user(no) for no in SENIORS if self.user(no) not in not_these]
        return self.rng.choice(choices)

    def registrar(self, plan: Plan) -> User:
        rng, channel = self.rng, plan.channel
        if plan.customer and plan.customer.customer.needs_senior and rng.random() < 0.4:
            return self.user(rng.choice(SENIORS))
        if channel in {Channel.LETTER, Channel.FAX, Channel.WALK_IN, Channel.MEMO}:
            return self.user(TEXT_CLERK) if rng.random() < 0.5 else self.agent()
        if channel in {Channel.EMAIL, Channel.EXTERNAL}:
            return self.user(TEXT_CLERK) if rng.random() < 0.3 else self.agent()
        if channel == Channel.RECORDING:
            return self.user(RECORDING_CLERK) if rng.random() < 0.6 else self.agent()
        return self.agent()

    def center_actor(self, ticket: Ticket) -> User:
        """Who works the order in the center: its owner if an agent may (R-WO-10), else a senior
        agent (VIP and major customers, R-CLS-6; orders a clerk typed in)."""
        owner = self.by_id[ticket.owner_id]
        if owner.has_perm("tickets.draft_dispatch") and (
            not ticket.senior_only or owner.has_perm("tickets.handle_vip")
        ):
            return owner
        return self.user(SENIORS[self.index % 2])

    def drafts_itself(self, ticket: Ticket) -> bool:
        """Agents draft and a senior reviews (R-WO-3); senior-only orders and orders typed in
        by a clerk are dispatched by a senior agent directly (R-WO-4)."""
        actor = self.center_actor(ticket)
        return not actor.has_perm("tickets.review")

    def after(self, start: datetime, low_hours: float, high_hours: float) -> datetime:
        """A moment in working hours some hours after ``start``, but not in the future."""
        moment = timezone.localtime(
            start + timedelta(hours=self.rng.uniform(low_hours, high_hours))
        )
        if moment.hour < 8:
            moment = moment.replace(hour=moment.hour + 9)
        elif moment.hour >= 21:
            moment = moment.replace(hour=moment.hour - 12) + timedelta(days=1)
        latest = self.now - timedelta(minutes=self.rng.uniform(1, 30))
        return min(moment, latest)

    # -- making one order --

    def make(self, plan: Plan) -> None:
        self.rng, self.index = plan.rng, plan.index
        rng, scenario = self.rng, plan.scenario
        values = dict(plan.values)
        values["month"] = timezone.localtime(plan.received_at).month
        # A D complaint cites the earlier order's number once that order is registered.
        values["ref"] = (plan.complaint_of.number if plan.complaint_of else "") or "此前工单"
        registrar = self.registrar(plan)
        urgent = plan.level == "IV" and rng.random() < 0.6
        priority = Priority.HIGH if plan.level == "IV" or urgent else Priority.NORMAL
        if scenario.type == "E" and rng.random() < 0.3:
            priority = Priority.LOW
        contact_phone, contact_name = "", ""
        if plan.customer:
            contact_phone, contact_name = plan.customer.phone, plan.customer.contact
        elif scenario.type == "F" and rng.random() < 0.5:
            contact_phone = rng.choice(NUISANCE_NUMBERS)
        call_type = self.types[scenario.type]
        title = scenario.title.format(**values)
        ticket = actions.register(
            registrar,
            actions.Registration(
                call_type=call_type,
                channel=plan.channel,
                title=title,
                description=scenario.detail.format(**values),
                contact_phone=contact_phone,
                contact_name=contact_name,
                customer=plan.customer.customer if plan.customer else None,
                received_at=plan.received_at,
                level=plan.level,
                priority=priority,
                urgent=urgent,
                request_kind=self.kinds.get(scenario.kind),
                business_line=self.lines.get(scenario.line),
                nature=self.natures.get(scenario.nature),
                suggestion_subject=self.subjects.get(scenario.subject),
                complained_staff=self.user(COMPLAINED_HANDLER) if scenario.type == "D" else None,
                extra={MARKER: True, **self.channel_data(plan, title)},
            ),
        )
        plan.number = ticket.number
        if scenario.type == "F":
            actor = self.center_actor(ticket)
            actions.close_harassment(
                actor, ticket, scenario.answer, expected_version=ticket.version
            )
        elif self.center_resolves(plan):
            self.resolve_in_center(plan, ticket, values)
        else:
            self.dispatch_path(plan, ticket, values)

    def channel_data(self, plan: Plan, title: str) -> dict[str, Any]:
        rng, local = self.rng, timezone.localtime(plan.received_at)
        if plan.channel == Channel.EXTERNAL:
            source = rng.choice(EXTERNAL_SOURCES)
            return {"source": source, "external_ref": f"{local:%Y%m%d}{rng.randrange(10**5):05d}"}
        if plan.channel == Channel.MEMO:
            return {"source": rng.choice(MEMO_SOURCES)}
        if plan.channel == Channel.RECORDING:
            return {"recording": f"VM-{local:%Y%m%d-%H%M%S}.wav"}
        if plan.channel == Channel.EMAIL and plan.customer:
            return {"subject": f"投诉/咨询：{title}"[:60]}
        return {}

    def note_author(self, ticket: Ticket) -> User | None:
        """Whoever in the center may write on the order: its owner, else the senior agent who
        works it. (None while ``tickets.add_note`` is refused to both.)"""
        for person in (self.by_id[ticket.owner_id], self.center_actor(ticket)):
            if person.has_perm("tickets.add_note", ticket):
                return person
        return None

    def extras(self, ticket: Ticket) -> Ticket:
        """Notes, a customer-facing message and repeat contacts on an open order (R-IN-4)."""
        rng = self.rng
        actor = self.center_actor(ticket)
        if rng.random() < 0.25:
            note, author = rng.choice(INTERNAL_NOTES), self.note_author(ticket)
            if author is not None:
                ticket = actions.add_note(
                    author, ticket, note, expected_version=ticket.version
                ).ticket
        if rng.random() < 0.08:
            note, author = rng.choice(CUSTOMER_NOTES), self.note_author(ticket)
            if author is not None:
                ticket = actions.add_note(
                    author,
                    ticket,
                    note,
                    visibility=Visibility.CUSTOMER,
                    expected_version=ticket.version,
                ).ticket
        if rng.random() < 0.12:
            caller = self.user(rng.choice([a for a in AGENTS if self.user(a).pk != actor.pk]))
            channel, summary = rng.choice(REPEAT_CONTACTS)
            ticket = actions.add_repeat_contact(
                caller, ticket, channel, summary, expected_version=ticket.version
            )
        return ticket

    def resolve_in_center(self, plan: Plan, ticket: Ticket, values: dict[str, Any]) -> None:
        ticket = self.extras(ticket)
        if plan.target == "registered":
            return
        actor = self.center_actor(ticket)
        ticket = actions.resolve_first_contact(
            actor, ticket, plan.scenario.answer.format(**values), expected_version=ticket.version
        )
        if plan.target == "closed":
            self.leave_for_callback(ticket)

    def leave_for_callback(self, ticket: Ticket) -> Ticket:
        """An order meant to end closed is left awaiting its callback: kefu.callbacks.demo calls
        it back through the callback services, whose outcome closes it (R-CB-1). Closing it here
        would record its callback as missed."""
        return ticket

    def department_for(self, plan: Plan) -> tuple[Department | None, User | None]:
        """Where the dispatch goes and to whom. The routing default (R-WO-2) named explicitly,
        which saves the actions a look-up per order; D is left to the superior rule."""
        rng, scenario = self.rng, plan.scenario
        if scenario.type == "D":
            return None, None
        code = DEFAULT_DEPARTMENTS.get(scenario.type, "")
        if scenario.department and (scenario.type == "E" or rng.random() < 0.6):
            code = scenario.department
        elif code == "city-service" and rng.random() < 0.3:
            # 城市客服部 has two handlers: the responsible person and, for some, the head.
            return self.departments[code], self.user("2002")
        return self.departments[code], self.user(RESPONSIBLE[code])

    def dispatch_path(self, plan: Plan, ticket: Ticket, values: dict[str, Any]) -> None:
        rng, target = self.rng, plan.target
        actor = self.center_actor(ticket)
        senior = self.other_senior(actor)
        if not ticket.urgent and rng.random() < 0.08:
            ticket = actions.mark_urgent(
                senior, ticket, rng.choice(URGENT_REASONS), expected_version=ticket.version
            )
        ticket = self.extras(ticket)
        department, handler = self.department_for(plan)
        instructions = INSTRUCTIONS[plan.scenario.type]

        if not self.drafts_itself(ticket):
            if target == "registered":
                return
            if target == "awaiting_review":  # nothing to review: a senior sends it at once
                target = "dispatched"
            ticket = actions.dispatch_now(
                actor,
                ticket,
                department=department,
                handler=handler,
                instructions=instructions,
                expected_version=ticket.version,
            )
        else:
            sent_back = target == "registered" and rng.random() < 0.5
            if target == "registered" and not sent_back:
                return
            if sent_back or rng.random() < 0.1:
                draft = actions.submit_dispatch_draft(
                    actor,
                    ticket,
                    department=department,
                    handler=handler,
                    instructions=instructions.split("，")[0],
                    expected_version=ticket.version,
                )
                ticket = actions.send_back_draft(
                    senior,
                    draft,
                    rng.choice(SEND_BACK_DRAFT),
                    expected_version=draft.ticket.version,
                )
                if sent_back:
                    return
            draft = actions.submit_dispatch_draft(
                actor,
                ticket,
                department=department,
                handler=handler,
                instructions=instructions,
                expected_version=ticket.version,
            )
            if target == "awaiting_review":
                return
            # Named again so that the action need not load them; changing them amends the draft.
            drafted_to = self.department(draft.department_id)
            drafted_for = self.by_id[draft.handler_id]
            amend: dict[str, Any] = {"department": drafted_to, "handler": drafted_for}
            if rng.random() < 0.1:
                if drafted_to.code == "city-service" and drafted_for.employee_no == "2001":
                    amend.update(handler=self.user("2002"), note=AMEND_NOTES[0])
                else:
                    amend["instructions"] = f"{instructions}{AMEND_NOTES[1]}"
            ticket = actions.approve_draft(
                senior, draft, expected_version=draft.ticket.version, **amend
            )

        if target == "withdrawn" and rng.random() < 0.5:
            self.withdraw(ticket, actor)
            return
        if target == "dispatched":
            self.side_draft(ticket, actor, senior)
            return

        handler = self.by_id[ticket.handler_id]
        ticket = actions.accept(handler, ticket, expected_version=ticket.version)
        if rng.random() < 0.4:
            event = actions.log_customer_contact(
                handler,
                ticket,
                rng.choice(HANDLER_CONTACTS[plan.scenario.type]),
                contacted_at=self.after(plan.received_at, 1, 20),
                expected_version=ticket.version,
            )
            ticket = event.ticket
        if target == "withdrawn":
            self.withdraw(ticket, actor)
            return
        if rng.random() < (0.3 if target == "in_progress" else 0.08):
            ticket = actions.ask_superior(
                handler, ticket, rng.choice(HELP_REASONS), expected_version=ticket.version
            )
        author = self.note_author(ticket) if rng.random() < 0.3 else None
        if author is not None:
            department_name = self.department(ticket.department_id).name
            text = rng.choice(PROGRESS_LOGS).format(department=department_name)
            event = actions.log_customer_contact(
                author,
                ticket,
                text,
                contacted_at=self.after(plan.received_at, 2, 30),
                expected_version=ticket.version,
            )
            ticket = event.ticket
        if target == "in_progress":
            self.side_draft(ticket, actor, senior)
            return

        ticket = self.feed_back(plan, ticket, handler, values)
        if rng.random() < 0.1:
            ticket = actions.send_back_feedback(
                actor, ticket, rng.choice(SEND_BACK_FEEDBACK), expected_version=ticket.version
            )
            ticket = self.feed_back(plan, ticket, handler, values)
        if target == "fed_back":
            return
        ticket = actions.confirm(
            actor, ticket, "核实处理结果属实。", expected_version=ticket.version
        )
        if target == "pending_callback":
            if rng.random() < 0.3:
                # R-CB-4 二次派单: the callback found the problem back; drafted for review.
                self.redispatch(ticket, actor)
            return
        self.leave_for_callback(ticket)

    def feed_back(
        self, plan: Plan, ticket: Ticket, handler: User, values: dict[str, Any]
    ) -> Ticket:
        remaining = REMAINING.get(plan.scenario.type, "") if self.rng.random() < 0.15 else ""
        feedback = actions.Feedback(
            # The demo's moves all happen as it loads, the dispatch too: the customer was
            # contacted after it reached the department (R-WO-6), i.e. just now.
            contacted_at=timezone.now(),
            solution=plan.scenario.solution.format(**values),
            effect=plan.scenario.effect.format(**values),
            remaining=remaining,
        )
        return actions.feed_back(handler, ticket, feedback, expected_version=ticket.version)

    def side_draft(self, ticket: Ticket, actor: User, senior: User) -> None:
        """Follow-ups 追单 (approved or still in review) and the odd pending withdrawal."""
        roll = self.rng.random()
        if roll < 0.15:
            draft = actions.submit_follow_up(
                actor, ticket, self.rng.choice(FOLLOW_UPS), expected_version=ticket.version
            )
            actions.approve_draft(senior, draft, expected_version=draft.ticket.version)
        elif roll < 0.25:
            actions.submit_follow_up(
                actor, ticket, self.rng.choice(FOLLOW_UPS), expected_version=ticket.version
            )
        elif roll < 0.29:
            actions.submit_withdrawal(
                actor, ticket, self.rng.choice(WITHDRAWALS), expected_version=ticket.version
            )

    def withdraw(self, ticket: Ticket, actor: User) -> None:
        draft = actions.submit_withdrawal(
            actor, ticket, self.rng.choice(WITHDRAWALS), expected_version=ticket.version
        )
        actions.approve_draft(
            self.other_senior(actor), draft, expected_version=draft.ticket.version
        )

    def redispatch(self, ticket: Ticket, actor: User) -> None:
        actions.submit_dispatch_draft(
            actor,
            ticket,
            department=ticket.department,
            handler=self.by_id[ticket.handler_id] if ticket.handler_id else None,
            instructions="回访客户称问题再次出现，请再次上门处理（二次派单）。",
            expected_version=ticket.version,
        )
