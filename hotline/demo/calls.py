"""The demo center's calls: callers with repeat calls, addresses in real-looking
districts, categories, priorities and channels in realistic shares, and how far each
ticket has got."""

import random
from datetime import datetime, timedelta, timezone

from dispatch.workorders.services import advance
from hotline.core import clock
from hotline.demo.center import BRANCHES
from hotline.tickets.models import Channel, Priority
from hotline.tickets.schemas import CallerIn, CallIn, Facts, TicketCreate
from hotline.users.models import User

STREETS = {
    "东湖区": ["东湖路", "珞喻路", "卓刀泉路", "关山大道"],
    "经开区": ["沌阳大道", "东风大道", "车城北路"],
    "西城区": ["解放大道", "中山大道", "建设大道"],
    "汉阳区": ["鹦鹉大道", "龙阳大道", "汉阳大道"],
    "南岸区": ["白沙洲大道", "武昌路", "和平大道"],
    "洪山区": ["雄楚大道", "珞狮路", "民族大道"],
    "北湖区": ["后湖大道", "幸福大道", "三环北路"],
    "高新区": ["光谷大道", "高新大道", "软件园路"],
}
ESTATES = ["幸福小区", "锦绣家园", "阳光花园", "翠湖苑", "滨江名都", "金色港湾", "和谐家园",
           "丽景湾", "桂花园", "水岸星城", "百步亭", "学府佳园", "新村", "职工宿舍"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
         "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "淑珍", "国庆", "红梅",
         "海燕", "建国", "玉兰", "德明", "春华", "小龙", "文博", "子涵", "思雨", "浩然"]

# category: (weight, priority weights, channel weights, units the intake may name)
CATEGORY_MIX = {
    "consultation": 30, "leak": 18, "repair": 16, "billing": 12, "complaint": 7,
    "help": 5, "suggestion": 3, "theft_report": 3, "media": 1, "supervision": 2, "other": 3,
}
CHANNELS = [(Channel.PHONE, 86), (Channel.WEB, 7), (Channel.WALK_IN, 4), (Channel.API, 3)]
# Calls by local hour: quiet at night, busy mornings and early afternoons.
HOURLY = [1, 1, 1, 1, 1, 1, 2, 5, 10, 12, 12, 10, 7, 8, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2]

MATTERS = {
    "consultation": [
        "想问一下{street}这边今天为什么停水，什么时候能来水？",
        "我家刚买的二手房，水表过户要带什么材料？",
        "请问阶梯水价是怎么算的，第二阶梯从多少吨开始？",
        "水费可以在手机上交吗？用哪个公众号？",
        "我们小区贴了停水通知，想确认一下具体几点恢复供水。",
        "新装修的房子想开户用水，要去哪个营业厅办？",
        "自来水有点发黄，能直接喝吗？是不是管道在施工？",
        "低保户水费有没有减免政策？要怎么申请？",
    ],
    "leak": [
        "{address}门口路面在冒水，水流得很大，已经淹到人行道了！",
        "{estate}楼下的水管爆了，水一直往外喷，快派人来看看。",
        "我们这栋楼从昨晚开始水压特别低，三楼以上基本没水。",
        "{street}路边的消防栓被车撞了，水柱冲得老高。",
        "小区里绿化带一直渗水，地面都泡软了，怀疑是地下管子漏了。",
        "水表井里全是水，表前阀门那里在漏。",
        "家里水龙头开到最大只有一点点水，邻居家也一样。",
    ],
    "repair": [
        "家里水表不走字了，用着水表针一动不动，麻烦派人来换一下。",
        "水表玻璃被冻裂了，看不清读数。",
        "表前阀门关不严，想换个新的，约个时间上门。",
        "楼道里的公共水管接头在滴水，滴了好几天了。",
        "我家水表箱的门坏了，盖不上，怕小孩碰到。",
        "总阀拧不动了，生锈了，请师傅来修一下。",
    ],
    "billing": [
        "这个月水费怎么一下子要交三百多，平时才五六十，是不是抄错表了？",
        "收到欠费停水通知，可我上个月已经交过了。",
        "我家一直没人住，怎么还有水费？",
        "抄表员好几个月没来了，账单都是估的。",
        "想把水费账户改成我的名字，原来是我父亲的。",
    ],
    "complaint": [
        "上周报修的漏水到现在没人来，打了三次电话了，你们到底管不管？",
        "维修师傅挖开路面修完就走了，坑都没填，晚上很危险。",
        "营业厅工作人员态度很差，问两句就不耐烦。",
        "停水也不提前通知，家里老人做不了饭。",
        "施工队早上六点就开挖，噪音太大，严重影响休息。",
    ],
    "help": [
        "家里就我一个老人，水管坏了不会弄，能不能帮忙找个人看看？",
        "我们小区停水一天了，能不能安排送水车过来？",
        "钥匙掉进水表井里了，井盖太重打不开。",
    ],
    "suggestion": [
        "建议停水通知也发短信，小区公告栏很多人看不到。",
        "希望公众号能查到历史用水量，方便对账。",
        "建议营业厅周六也开门，上班族平时没时间去。",
    ],
    "theft_report": [
        "{street}那边有个工地直接从消防栓接水用，好几天了。",
        "隔壁的洗车店好像绕过水表私接了水管。",
        "我怀疑楼下商铺的水表被人动过手脚，一直不走字。",
    ],
    "media": [
        "我是晚报记者，听说{district}昨天大面积停水，想了解一下原因和恢复情况。",
        "电视台民生栏目，想就近期水费上涨问题采访一下贵公司。",
    ],
    "supervision": [
        "12345转来：{address}居民反映连续三天水压不足，请尽快处理并回复。",
        "区政府督办：{estate}停水问题居民多次投诉，要求今日内答复处理进度。",
    ],
    "other": [
        "路边有个井盖松了，车一压就响，不知道是不是你们的。",
        "想问问你们招不招抄表员。",
        "电话打错了，我以为是燃气公司。",
    ],
}
ANSWERS = [
    "已告知：因{street}管网维修临时停水，预计今天18点前恢复供水。",
    "已告知所需材料：买卖合同、身份证、原户主水费结清凭证，到所属营业厅办理。",
    "已解释阶梯水价：年用水量180吨以内为第一阶梯，超出部分按第二阶梯计价。",
    "已告知可通过公众号“江城水务”或银行代扣缴费。",
    "已告知：管道冲洗后短时发黄，放水几分钟即可恢复，如持续请再来电。",
    "已告知减免政策及申请材料，需到社区开具证明。",
]
NOTES = [
    "来电人再次来电催办，情绪较急。",
    "已电话联系来电人，约定明天上午上门查看。",
    "来电人补充：漏点在小区东门附近。",
    "已短信告知来电人工单编号。",
    "同一地点今天已有多人来电反映。",
]
CANCEL_REASONS = [
    "重复工单，同一来电人同一事项已有工单。",
    "来电人来电告知问题已自行解决，无需处理。",
    "录入错误，已重新建单。",
    "非本公司业务，已告知来电人拨打燃气热线。",
]
RESULTS = [
    "已更换损坏阀门，恢复供水，现场已清理。",
    "管道接口渗漏，已紧固并更换密封圈。",
    "已上门核实并向来电人解释，来电人表示认可。",
    "已更换水表，读数已登记。",
    "已抢修完毕，路面回填待市政恢复。",
]
# Who the intake names for a category (None: the dispatcher decides).
INTAKE_UNIT = {
    "leak": "branch", "billing": "branch", "complaint": "complaint-office",
    "theft_report": "enforcement", "media": "press-office", "supervision": "center",
}

def _phone(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return f"027-8{rng.randint(0, 9999999):07d}"
    prefix = rng.choice(["133", "135", "136", "138", "139", "150", "152", "158", "159", "177",
                         "180", "186", "187", "188", "189", "199"])
    return f"{prefix}{rng.randint(0, 99999999):08d}"


def make_callers(rng: random.Random, n: int) -> list[dict]:
    callers = []
    phones = set()
    while len(callers) < n:
        phone = _phone(rng)
        if phone in phones:
            continue
        phones.add(phone)
        surname = rng.choice(SURNAMES)
        roll = rng.random()
        if roll < 0.45:
            name = surname + rng.choice(GIVEN)
        elif roll < 0.9:
            name = surname + rng.choice(["先生", "女士", "阿姨", "师傅"])
        else:
            name = None  # would not give a name
        branch = rng.choice(BRANCHES)
        district = rng.choice(branch[2])
        street = rng.choice(STREETS[district])
        estate = rng.choice(ESTATES)
        address = f"{district}{street}{rng.randint(1, 399)}号{estate}{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 28)}{rng.randint(1, 4):02d}室"
        callers.append({"phone": phone, "name": name, "branch": branch[0], "district": district,
                        "street": street, "estate": estate, "address": address})
    return callers


def call_times(rng: random.Random, n: int, days: int, now: datetime) -> list[datetime]:
    """n creation times over the past `days` days, weighted by the hour of day."""
    tz = clock.center_tz()
    today = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    out = []
    while len(out) < n:
        day = today - timedelta(days=rng.randrange(days))
        hour = rng.choices(range(24), weights=HOURLY)[0]
        at = day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
        if at < now - timedelta(minutes=5):
            out.append(at.astimezone(timezone.utc))
    return sorted(out)


def calls_between(rng: random.Random, start: datetime, end: datetime, per_day: float) -> list[datetime]:
    """Creation times from `start` to five minutes before `end`, `per_day` a day on
    average, shaped by the hour of day."""
    out, total, hour = [], sum(HOURLY), timedelta(hours=1)
    at, stop = start, end - timedelta(minutes=5)
    while at < stop:
        upto = min(at + hour, stop)
        expected = per_day * HOURLY[clock.local(at).hour] / total * ((upto - at) / hour)
        for _ in range(int(expected) + (rng.random() < expected % 1)):
            out.append(at + (upto - at) * rng.random())
        at = upto
    return sorted(out)


def pick(rng: random.Random, weighted) -> object:
    items, weights = zip(*weighted)
    return rng.choices(items, weights=weights)[0]


def ticket_data(rng: random.Random, category: str, caller: dict, at: datetime) -> TicketCreate:
    fill = {k: caller[k] for k in ("street", "estate", "district", "address")}
    matter = rng.choice(MATTERS[category]).format(**fill)
    channel = pick(rng, CHANNELS)
    priority = None  # the category's default
    if category == "leak" and ("爆" in matter or "喷" in matter or "冲" in matter):
        priority = Priority.EMERGENCY
    elif category == "repair" and rng.random() < 0.15:
        priority = Priority.URGENT
    elif category == "complaint" and rng.random() < 0.2:
        priority = Priority.URGENT
    unit = INTAKE_UNIT.get(category)
    if unit == "branch":
        unit = caller["branch"]
    call = None
    if channel == Channel.PHONE:
        ring = min(rng.expovariate(1 / 6), 40) if rng.random() < 0.93 else rng.uniform(15, 45)
        talk = rng.uniform(60, 360)
        answered = at - timedelta(seconds=talk)
        call = CallIn(line="96116", rang_at=answered - timedelta(seconds=round(ring, 1)),
                      answered_at=answered, ended_at=at)
    facts = None
    if category == "media":
        facts = Facts(when="昨天下午起", where=caller["district"], who="晚报记者",
                      what=matter, why="居民反映", how="待新闻发言人回复")
    return TicketCreate(
        category=category,
        priority=priority,
        matter=matter,
        caller=CallerIn(phone=caller["phone"], name=caller["name"]),
        address=caller["address"] if category not in ("consultation", "suggestion", "media") else None,
        area=caller["district"],
        facts=facts,
        channel=channel,
        unit=unit,
        confidential=category == "theft_report",
        answer=rng.choice(ANSWERS).format(**fill) if category == "consultation" and rng.random() < 0.9 else None,
        call=call,
    )


def progress(rng: random.Random, ticket, at: datetime, now: datetime, desk: User) -> None:
    """Work older than half a day is done; the last hours' work stands at every stage.
    The desk records the steps as crews radio them in."""
    steps = ["accept", "en_route", "on_site", "resolve"]
    hours_old = (now - at).total_seconds() / 3600
    done = len(steps) if hours_old > 12 else rng.randint(0, len(steps) - 1)
    for step in steps[:done]:
        at = min(at + timedelta(minutes=rng.randint(3, 35)), now)
        clock.freeze(at)
        advance(ticket, step, desk, None, rng.choice(RESULTS) if step == "resolve" else None)

