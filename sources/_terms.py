"""The vocabulary the relevance scorer looks for, in English, Korean, Russian, Ukrainian and Japanese.

Two parts: names of actors and weapon systems, which come from the reference
data (the database when an operator has loaded it, else
``events/reference_data.py``), and the cue words below, which say that a text
speaks of a transfer, its use, its evidence, a denial, or of something that only
looks like it (a missile test, tourism, a legal sale, arms production).

Cue syntax: a trailing ``*`` marks a stem (``suppl*`` matches supplied,
supplies, supplier); without it a Latin or Cyrillic cue must be a whole word.
Korean and Japanese cues match anywhere, since Japanese has no spaces between
words and Korean attaches its particles (북한이, 러시아에) to the noun.
"""

from dataclasses import dataclass

# fmt: off
TRANSFER_CUES: dict[str, tuple[str, ...]] = {
    "supply": (
        "suppl*", "provid*", "provision of", "furnish*", "equipp*",
        "поставк*", "поставл*", "поставля*", "поставил*", "поставит*", "снабж*", "постача*", "постачан*", "постав*",
        "забезпеч*",
        "공급", "제공", "지원하", "지원했", "공여",
        "供与", "供給", "提供",
    ),
    "ship": (
        "ship", "ships", "shipped", "shipping", "shipment*", "cargo*", "container*", "consignment*", "transport*",
        "ferr*", "by rail", "freight*", "vessel*",
        "отгруз*", "перевез*", "перевоз*", "контейнер*", "груз", "грузы", "грузов", "грузом", "грузов*", "судн*",
        "эшелон*", "відвантаж*", "вантаж*",
        "선적", "운송", "수송", "컨테이너", "화물", "선박", "반입", "반출",
        "輸送", "搬入", "搬出", "出荷", "コンテナ", "貨物", "船舶", "積み",
    ),
    "deliver": (
        "deliver*", "sent", "send", "sends", "sending", "handed over", "hand over", "hands over",
        "доставк*", "доставл*", "достав*", "отправ*", "переда*", "переброс*", "відправ*", "надісл*", "надси*",
        "перекину*",
        "보냈", "보내", "전달", "넘겨", "넘긴", "인도했",
        "引き渡", "引渡", "送った", "送り", "送られ", "届け",
    ),
    "transfer": (
        "transfer*", "export*", "import*", "smuggl*", "funnel*", "arms deal*", "deal", "deals",
        "экспорт*", "импорт*", "контрабанд*", "сделк*", "експорт*", "імпорт*", "угод*",
        "수출", "수입", "이전했", "이전한", "밀반입", "거래",
        "輸出", "輸入", "移転", "密輸", "取引",
    ),
    "acquire": (
        "acquir*", "procur*", "obtain*", "receiv*", "bought", "buy", "buys", "buying", "purchas*", "sold", "sell*",
        "закуп*", "купил*", "покупа*", "приобр*", "получ*", "прода*", "купив*", "купу*", "придба*", "отрима*",
        "구매", "구입", "매입", "입수", "받았", "받은", "판매", "팔았",
        "調達", "購入", "入手", "受け取", "売却", "買い",
    ),
    "exchange": (
        "in exchange", "in return", "barter*", "payment*", "in payment",
        "в обмен", "взамен", "обмен*", "оплат*", "в обмін", "натомість", "обмін*",
        "대가", "대가로", "보상",
        "見返り", "対価", "交換",
    ),
}

USE_CUES: dict[str, tuple[str, ...]] = {
    "strike": (
        "strike*", "struck", "attack*", "hit", "hits", "shelling", "bombard*", "barrage*", "fired at", "fired on",
        "fired against", "fired into", "launched at", "launched against", "used against", "used in", "used by",
        "use of", "using", "deployed against", "battlefield*", "front line*", "frontline*", "combat",
        "удар*", "атак*", "обстрел*", "примен*", "использ*", "выпущ*", "запущ*", "фронт*", "боев*", "обстріл*",
        "застосо*", "застосув*", "використ*", "випущ*", "бойов*",
        "공격", "타격", "사용", "투입", "전선", "전장", "실전",
        "攻撃", "使用", "投入", "前線", "戦場", "実戦",
    ),
    "front": (
        "kharkiv", "zaporizhzhia", "kyiv", "kursk", "donetsk", "odesa", "dnipro", "ukrainian cities",
        "харьков*", "запорож*", "киев*", "курск*", "донецк*", "одесс*", "днепр*", "харків*", "запоріж*", "київ*",
        "курськ*", "донецьк*", "одес*", "дніпр*",
        "하르키우", "자포리자", "키이우", "쿠르스크", "도네츠크", "오데사",
        "ハルキウ", "ザポリージャ", "キーウ", "クルスク", "ドネツク", "オデーサ",
    ),
    "debris": (
        "debris", "fragment*", "wreckage", "remnant*", "remains of", "markings", "serial number*", "components",
        "evidence", "forensic*", "traced",
        "обломк*", "фрагмент*", "остатк*", "маркировк*", "серийн*", "доказательств*", "компонент*", "уламк*",
        "залишк*", "маркуван*", "серійн*", "доказ*",
        "잔해", "파편", "증거", "표식", "일련번호", "부품",
        "残骸", "破片", "証拠", "刻印", "製造番号", "シリアル番号", "部品",
    ),
}

DENIAL_CUES: dict[str, tuple[str, ...]] = {
    "deny": (
        "deni*", "deny", "denying", "reject*", "refut*", "dismissed the report*", "dismissed the claim*",
        "dismissed as", "false", "baseless", "groundless", "fabricat*", "fake", "lies", "smear*", "slander*",
        "no evidence", "absurd",
        "отрица*", "отверг*", "опроверг*", "опровер*", "ложь", "ложн*", "фейк*", "беспочвен*", "голословн*",
        "клевет*", "вымысел", "выдум*", "абсурд*", "запереч*", "заперечу*", "відкида*", "відкин*", "спрост*",
        "неправд*", "безпідстав*", "наклеп*", "вигад*", "брехн*",
        "부인했", "부인하", "부인한", "부정했", "일축", "사실무근", "허위", "날조", "거짓", "근거 없", "터무니",
        "否定", "否認", "事実無根", "根拠のない", "根拠がない", "捏造", "虚偽", "でっち上げ", "一蹴",
    ),
}

NEGATIVE_CUES: dict[str, tuple[str, ...]] = {
    "test": (
        "test", "tests", "tested", "testing", "test-fire*", "test-fired", "test launch*", "test-launch*",
        "into the sea", "sea of japan", "east sea", "yellow sea", "splashed down", "exclusive economic zone", "eez",
        "icbm*", "satellite launch*", "spy satellite*", "reconnaissance satellite*", "parad*", "drill*",
        "exercise*", "nuclear test*",
        "испыта*", "испытан*", "японское море", "японском море", "японского моря", "учени*", "запуск спутника",
        "разведывательный спутник", "разведывательного спутника", "межконтинентальн*", "парад*", "ядерн*", "випроб*",
        "японське море", "японському морі", "японського моря", "навчан*", "запуск супутника",
        "розвідувальний супутник", "розвідувального супутника", "міжконтинентальн*",
        "시험발사", "시험 발사", "시험사격", "시험", "동해상", "동해로", "동해 상", "서해상", "합참", "합동참모본부",
        "대륙간탄도", "정찰위성", "위성 발사", "위성발사", "열병식", "훈련", "배타적경제수역", "핵실험",
        "発射実験", "試射", "実験", "日本海", "排他的経済水域", "偵察衛星", "衛星打ち上げ", "衛星の打ち上げ",
        "軍事パレード", "訓練", "演習", "核実験", "落下",
    ),
    "tourism": (
        "touris*", "tour", "tours", "travel*", "holiday*", "resort*", "visitor*", "ski", "flights", "passenger*",
        "турист*", "туризм*", "путешеств*", "курорт*", "отдых*", "авиарейс*", "рейс*", "пассажир*", "подорож*",
        "відпочин*", "авіарейс*", "пасажир*",
        "관광", "여행", "리조트", "스키", "항공편", "직항", "승객",
        "観光", "旅行", "ツアー", "リゾート", "スキー", "直行便", "航空便", "乗客",
    ),
    "culture": (
        "ballet", "concert*", "cultur*", "festival*", "student*", "sport*", "football", "exhibition*", "film*",
        "circus", "theatre*", "theater*", "orchestra*", "museum*", "artist*", "dancers", "choir*",
        "балет*", "концерт*", "культур*", "фестивал*", "студент*", "спорт*", "футбол*", "выставк*", "фильм*", "цирк*",
        "театр*", "оркестр*", "музе*", "артист*", "ансамбл*", "виставк*", "фільм*",
        "발레", "공연", "문화", "축제", "유학생", "학생", "스포츠", "축구", "전시회", "영화", "서커스", "예술단",
        "교향악단", "박물관",
        "バレエ", "公演", "文化", "祭", "留学生", "学生", "スポーツ", "サッカー", "展覧会", "映画", "サーカス",
        "芸術団", "楽団", "博物館",
    ),
    "sale": (
        "foreign military sale*", "fms", "state department approved", "approved a possible", "possible sale",
        "export licen*", "defense security cooperation agency", "dsca", "contract*", "order*",
        "госдепартамент одобрил", "одобрил продажу", "возможную продажу", "контракт*", "заказ*", "схвалив продаж",
        "держдеп*", "можливий продаж", "замовлен*",
        "판매를 승인", "판매 승인", "대외군사판매", "국무부", "계약",
        "売却を承認", "対外有償軍事援助", "国務省", "契約", "受注",
    ),
    "production": (
        "production", "produce*", "producing", "manufactur*", "factory", "factories", "plant", "plants", "output",
        "ramp* up", "capacity", "rheinmetall", "nammo", "defence industry", "defense industry", "defence industr*",
        "производств*", "производ*", "завод*", "мощност*", "рейнметалл*", "оборонн*", "виробництв*", "вироб*",
        "потужност*", "рейнметал*",
        "생산", "공장", "증산", "방산", "라인메탈", "방위산업",
        "生産", "工場", "増産", "防衛産業", "量産", "ラインメタル",
    ),
    "domestic-weapon": (
        "iskander*", "kalibr*", "kh-101", "kh-22", "kinzhal*", "oniks", "onyx", "tsirkon", "zircon", "lancet*",
        "искандер*", "калибр*", "х-101", "х-22", "кинжал*", "оникс*", "циркон*", "ланцет*", "іскандер*", "калібр*",
        "кинджал*", "онікс*",
        "이스칸데르", "칼리브르", "킨잘", "오닉스", "치르콘",
        "イスカンデル", "カリブル", "キンジャール", "キンジャル", "ツィルコン",
    ),
}

# Generic weapon words: (category, cues). They say "weapons" without naming a system.
GENERIC_WEAPONS: dict[str, tuple[str, ...]] = {
    "ballistic-missile": (
        "ballistic missile*", "missile*", "srbm*",
        "баллистическ*", "ракет*", "балістичн*",
        "탄도미사일", "탄도 미사일", "미사일",
        "弾道ミサイル", "ミサイル",
    ),
    "cruise-missile": (
        "cruise missile*",
        "крылат*",
        "크루즈", "순항미사일",
        "巡航ミサイル",
    ),
    "artillery-ammunition": (
        "shell*", "artillery shell*", "artillery round*", "ammunition", "munition*", "ammo",
        "снаряд*", "боеприпас*", "патрон*", "боєприпас*",
        "포탄", "탄약", "포병탄",
        "砲弾", "弾薬",
    ),
    "rocket": (
        "rocket*",
        "реактивн*",
        "로켓", "방사포탄",
        "ロケット弾",
    ),
    "artillery-system": (
        "artillery", "howitzer*", "self-propelled gun*", "multiple rocket launcher*", "mlrs", "mrl*",
        "артиллер*", "гаубиц*", "рсзо", "артилер*", "рсзв",
        "포병", "자주포", "곡사포", "방사포", "다연장",
        "火砲", "榴弾砲", "自走砲", "多連装",
    ),
    "launcher": (
        "launcher*", "tels",
        "пусков*", "пускова*",
        "발사대",
        "発射台", "発射機",
    ),
    "drone": (
        "drone*", "uav*", "loitering munition*", "kamikaze drone*",
        "беспилотник*", "дрон*", "бпла", "безпілотник*",
        "드론", "무인기", "자폭드론",
        "ドローン", "無人機",
    ),
    "aircraft": (
        "fighter jet*", "fighter aircraft", "warplane*", "aircraft",
        "истребител*", "винищувач*",
        "전투기",
        "戦闘機",
    ),
    "air-defence": (
        "air defence", "air defense", "air-defence",
        "пво", "ппо",
        "방공",
        "防空",
    ),
    "armoured-vehicle": (
        "tank", "tanks", "armoured vehicle*", "armored vehicle*",
        "танк", "танки", "танков", "танків",
        "전차",
        "戦車",
    ),
    "small-arms": (
        "rifle*", "small arms",
        "автомат*", "винтовк*", "гвинтівк*",
        "소총",
        "小銃",
    ),
    "electronic-warfare": (
        "electronic warfare", "jammer*",
        "рэб", "реб",
        "전자전",
        "電子戦",
    ),
    "technology": (
        "satellite technology", "missile technology", "space technology", "nuclear technology",
        "технолог*",
        "기술 이전", "기술이전",
        "技術移転", "技術供与",
    ),
    "other": (
        "weapon*", "arms", "military equipment",
        "оружи*", "вооружени*", "зброю", "зброя", "зброї", "озброєн*",
        "무기",
        "兵器", "武器",
    ),
}

# Names that the reference data does not hold as aliases: capitals, leaders' seats and adjectives.
EXTRA_ACTOR_NAMES: dict[str, tuple[str, ...]] = {
    "KP": (
        "pyongyang", "north korean*", "rajin", "nampo", "kim jong un",
        "раджин*", "раджін*", "нампхо", "пхеньян*", "северокорейск*", "північнокорейськ*",
        "나진", "남포", "북러", "북·러", "북-러", "러북", "평양", "북한산", "북한제", "김정은",
        "北,", "北·", "北 ", "北이", "北은", "北의", "北에", "北-",
        "羅津", "南浦", "北朝鮮製", "平壌", "金正恩", "朝露", "露朝", "ロ朝", "朝ロ",
    ),
    "RU": (
        "moscow", "kremlin", "putin", "tatarstan", "alabuga",
        "москв*", "кремл*", "путин*", "путін*", "российск*", "російськ*",
        "모스크바", "크렘린", "푸틴", "대러", "북러", "북·러", "북-러", "러북", "러,", "러에", "러와", "對러",
        "対露", "対ロ", "モスクワ", "クレムリン", "プーチン", "露朝", "朝露", "露軍", "露国", "露側", "日露", "ロ朝",
        "朝ロ",
    ),
    "IR": (
        "tehran", "iranian*",
        "тегеран*", "иранск*", "іранськ*",
        "테헤란",
        "イラン製", "テヘラン",
    ),
    "UA": (
        "kyiv", "ukrainian*",
        "украинск*", "українськ*",
        "우크라이나군",
        "ウクライナ軍",
    ),
    "US": (
        "washington", "pentagon", "american*",
        "вашингтон*", "пентагон*",
        "워싱턴", "펜타곤",
        "国防総省",
    ),
    "JP": (
        "tokyo", "japanese",
        "токио", "токіо",
        "도쿄",
        "東京",
    ),
    "KR": (
        "seoul", "south korean*",
        "сеул*", "южнокорейск*", "південнокорейськ*",
        "서울",
        "ソウル",
    ),
}
# fmt: on

# Resolutions are numbers written right after one of these words, with only other numbers, "and", "No." or the
# Council's name between ("resolutions 1718 and 1874", "резолюций СБ ООН 1718", "安保理決議第1718号"), or
# right before one of the suffixes ("1718호", "1718 Committee").
RESOLUTION_CUES: tuple[str, ...] = (
    "resolution", "резолюци", "резолюці", "결의", "決議", "committee", "комитет", "комітет", "위원회", "委員会",
)  # fmt: skip
RESOLUTION_FILLERS: tuple[str, ...] = (
    "and", "or", "no.", "nos.", "the", "un", "security council", "including", "и", "или", "№", "оон", "сб",
    "совета безопасности", "включая", "в том числе", "зокрема", "у тому числі",
    "і", "та", "й", "рб", "ради безпеки", "및", "와", "과", "호", "유엔", "안보리", "제", "号", "第", "安保理", "国連",
)  # fmt: skip
RESOLUTION_SUFFIXES: tuple[str, ...] = ("호", "号", " committee", " комитет", " комітет")

SANCTIONED = frozenset({"KP", "IR"})
# States that take part in these transfers as the other side.
COUNTERPARTS = frozenset({"RU", "BY", "SY", "KP", "IR"})


@dataclass(frozen=True)
class CueSet:
    kind: str
    lexicon: dict[str, tuple[str, ...]]


CUE_SETS: tuple[CueSet, ...] = (
    CueSet("transfer", TRANSFER_CUES),
    CueSet("use", USE_CUES),
    CueSet("denial", DENIAL_CUES),
    CueSet("negative", NEGATIVE_CUES),
)
