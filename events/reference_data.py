"""Reference data: states and key actors, weapon systems, and the UN sanctions regimes.

Summaries of provisions are the project's own short paraphrases; the official
text at each resolution's URL is authoritative. Names are given in English,
Korean, Russian, Ukrainian and Japanese, as they appear in the news.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from events.choices import ActorKind, ItemScope, ProhibitedAct, RegimeAuthority, WeaponCategory
from events.services import stable_public_id, upsert

Aliases = dict[str, tuple[str, ...]]  # language -> names


@dataclass(frozen=True)
class StateData:
    iso_code: str
    name: str
    aliases: Aliases


@dataclass(frozen=True)
class ActorData:
    name: str
    kind: str
    country: str = ""
    un_reference: str = ""
    imo_number: str = ""
    description: str = ""
    aliases: Aliases = field(default_factory=dict)


@dataclass(frozen=True)
class WeaponData:
    designation: str
    category: str
    origin: str
    description: str
    aliases: Aliases = field(default_factory=dict)


@dataclass(frozen=True)
class ProvisionData:
    paragraph: str
    act: str
    scope: str
    summary: str
    extends: tuple[str, str] | None = None  # (resolution number, paragraph)


@dataclass(frozen=True)
class ResolutionData:
    number: str
    adopted_on: date
    summary: str
    provisions: tuple[ProvisionData, ...] = ()


@dataclass(frozen=True)
class RegimeData:
    slug: str
    name: str
    authority: str
    target: str
    description: str
    title: str
    resolutions: tuple[ResolutionData, ...]


STATES: tuple[StateData, ...] = (
    StateData(
        "KP",
        "North Korea",
        {
            "en": ("Democratic People's Republic of Korea", "DPRK", "North Korea", "N. Korea"),
            "ko": ("북한", "조선민주주의인민공화국", "북조선"),
            "ru": ("КНДР", "Северная Корея", "Корейская Народно-Демократическая Республика"),
            "uk": ("КНДР", "Північна Корея", "Корейська Народно-Демократична Республіка"),
            "ja": ("北朝鮮", "朝鮮民主主義人民共和国"),
        },
    ),
    StateData(
        "RU",
        "Russia",
        {
            "en": ("Russian Federation", "Russia"),
            "ko": ("러시아",),
            "ru": ("Россия", "Российская Федерация", "РФ"),
            "uk": ("Росія", "Російська Федерація", "РФ"),
            "ja": ("ロシア", "ロシア連邦"),
        },
    ),
    StateData(
        "UA",
        "Ukraine",
        {"en": ("Ukraine",), "ko": ("우크라이나",), "ru": ("Украина",), "uk": ("Україна",), "ja": ("ウクライナ",)},
    ),
    StateData(
        "IR",
        "Iran",
        {
            "en": ("Islamic Republic of Iran", "Iran"),
            "ko": ("이란",),
            "ru": ("Иран",),
            "uk": ("Іран",),
            "ja": ("イラン",),
        },
    ),
    StateData(
        "US",
        "United States",
        {
            "en": ("United States of America", "United States", "USA", "U.S."),
            "ko": ("미국",),
            "ru": ("США", "Соединённые Штаты"),
            "uk": ("США", "Сполучені Штати"),
            "ja": ("米国", "アメリカ"),
        },
    ),
    StateData(
        "JP",
        "Japan",
        {"en": ("Japan",), "ko": ("일본",), "ru": ("Япония",), "uk": ("Японія",), "ja": ("日本",)},
    ),
    StateData(
        "KR",
        "South Korea",
        {
            "en": ("Republic of Korea", "South Korea", "ROK"),
            "ko": ("대한민국", "한국", "남한"),
            "ru": ("Южная Корея", "Республика Корея"),
            "uk": ("Південна Корея", "Республіка Корея"),
            "ja": ("韓国", "大韓民国"),
        },
    ),
    StateData(
        "CN",
        "China",
        {
            "en": ("People's Republic of China", "China"),
            "ko": ("중국",),
            "ru": ("Китай", "КНР"),
            "uk": ("Китай", "КНР"),
            "ja": ("中国",),
        },
    ),
    StateData(
        "BY",
        "Belarus",
        {
            "en": ("Belarus",),
            "ko": ("벨라루스",),
            "ru": ("Беларусь", "Белоруссия"),
            "uk": ("Білорусь",),
            "ja": ("ベラルーシ",),
        },
    ),
    StateData(
        "SY",
        "Syria",
        {
            "en": ("Syrian Arab Republic", "Syria"),
            "ko": ("시리아",),
            "ru": ("Сирия",),
            "uk": ("Сирія",),
            "ja": ("シリア",),
        },
    ),
    StateData(
        "GB",
        "United Kingdom",
        {
            "en": ("United Kingdom", "UK", "Britain"),
            "ko": ("영국",),
            "ru": ("Великобритания",),
            "uk": ("Велика Британія",),
            "ja": ("英国", "イギリス"),
        },
    ),
    StateData(
        "FR",
        "France",
        {"en": ("France",), "ko": ("프랑스",), "ru": ("Франция",), "uk": ("Франція",), "ja": ("フランス",)},
    ),
    StateData(
        "DE",
        "Germany",
        {"en": ("Germany",), "ko": ("독일",), "ru": ("Германия",), "uk": ("Німеччина",), "ja": ("ドイツ",)},
    ),
)

ACTORS: tuple[ActorData, ...] = (
    ActorData(
        "European Union",
        ActorKind.ORGANISATION,
        aliases={
            "en": ("EU",),
            "ko": ("유럽연합",),
            "ru": ("Европейский союз", "ЕС"),
            "uk": ("Європейський Союз", "ЄС"),
            "ja": ("欧州連合",),
        },
    ),
    ActorData(
        "United Nations Security Council",
        ActorKind.ORGANISATION,
        aliases={
            "en": ("UN Security Council", "UNSC", "Security Council"),
            "ko": ("유엔 안전보장이사회", "안보리"),
            "ru": ("Совет Безопасности ООН", "СБ ООН"),
            "uk": ("Рада Безпеки ООН", "РБ ООН"),
            "ja": ("国連安全保障理事会", "安保理"),
        },
    ),
    ActorData(
        "1718 Sanctions Committee",
        ActorKind.ORGANISATION,
        description="Security Council committee created by resolution 1718 (2006), para 12, to oversee the sanctions.",
        aliases={"en": ("1718 Committee",)},
    ),
    ActorData(
        "UN Panel of Experts on the DPRK",
        ActorKind.ORGANISATION,
        description=(
            "Created by resolution 1874 (2009), para 26, to assist the 1718 Committee. Its mandate ended on "
            "30 April 2024 after Russia vetoed the renewal on 28 March 2024."
        ),
        aliases={"en": ("Panel of Experts", "1718 Panel of Experts"), "ko": ("전문가 패널",), "ja": ("専門家パネル",)},
    ),
    ActorData(
        "Multilateral Sanctions Monitoring Team",
        ActorKind.ORGANISATION,
        description=(
            "Eleven states' team that has reported on DPRK sanctions since October 2024, after the Panel of Experts "
            "ended; its first report (May 2025) covered DPRK-Russia military cooperation."
        ),
        aliases={"en": ("MSMT",), "ko": ("다국적제재모니터링팀",), "ja": ("多国間制裁監視チーム",)},
    ),
    ActorData(
        "Korea Mining Development Trading Corporation",
        ActorKind.COMPANY,
        country="KP",
        un_reference="KPe.001",
        description="The DPRK's main arms dealer and exporter of ballistic-missile equipment; designated by the UN.",
        aliases={"en": ("KOMID",), "ko": ("조선광업개발무역회사",)},
    ),
    ActorData(
        "Angara",
        ActorKind.VESSEL,
        country="RU",
        imo_number="9179842",
        description="Russian-flagged cargo ship reported carrying containers between Rajin and Russian ports.",
        aliases={"ru": ("Ангара",)},
    ),
)

WEAPON_SYSTEMS: tuple[WeaponData, ...] = (
    WeaponData(
        "KN-23",
        WeaponCategory.BALLISTIC_MISSILE,
        "KP",
        "Solid-fuel short-range ballistic missile, North Korean designation Hwasong-11Ga.",
        {
            "en": ("Hwasong-11Ga", "Hwasong-11A", "KN23"),
            "ko": ("화성-11가", "화성11가"),
            "ru": ("Хвасон-11Га", "КН-23"),
            "uk": ("Хвасон-11Га", "KN-23"),
            "ja": ("火星11ガ",),
        },
    ),
    WeaponData(
        "KN-24",
        WeaponCategory.BALLISTIC_MISSILE,
        "KP",
        "Solid-fuel short-range ballistic missile, North Korean designation Hwasong-11Na.",
        {
            "en": ("Hwasong-11Na", "Hwasong-11B", "KN24"),
            "ko": ("화성-11나", "화성11나"),
            "ru": ("Хвасон-11На", "КН-24"),
            "uk": ("Хвасон-11На", "KN-24"),
            "ja": ("火星11ナ",),
        },
    ),
    WeaponData(
        "KN-23/KN-24 launcher",
        WeaponCategory.LAUNCHER,
        "KP",
        "Transporter-erector-launchers for the KN-23 and KN-24 missiles.",
        {"en": ("transporter erector launcher", "ballistic missile launcher"), "ru": ("пусковая установка",)},
    ),
    WeaponData(
        "122 mm artillery ammunition",
        WeaponCategory.ARTILLERY_AMMUNITION,
        "KP",
        "122 mm rounds for howitzers of Soviet design.",
        {
            "en": ("122mm shells", "122 mm shells", "122mm artillery shells"),
            "ko": ("122㎜ 포탄", "122mm 포탄"),
            "ru": ("122-мм снаряды", "122-мм снарядов"),
            "uk": ("122-мм снаряди", "122-мм снарядів"),
            "ja": ("122ミリ砲弾",),
        },
    ),
    WeaponData(
        "152 mm artillery ammunition",
        WeaponCategory.ARTILLERY_AMMUNITION,
        "KP",
        "152 mm rounds for howitzers and guns of Soviet design.",
        {
            "en": ("152mm shells", "152 mm shells", "152mm artillery shells"),
            "ko": ("152㎜ 포탄", "152mm 포탄"),
            "ru": ("152-мм снаряды", "152-мм снарядов"),
            "uk": ("152-мм снаряди", "152-мм снарядів"),
            "ja": ("152ミリ砲弾",),
        },
    ),
    WeaponData(
        "122 mm rockets",
        WeaponCategory.ROCKET,
        "KP",
        "122 mm rockets for multiple rocket launchers of the Grad type.",
        {
            "en": ("122mm rockets",),
            "ko": ("122㎜ 로켓", "122mm 방사포탄"),
            "ru": ("122-мм реактивные снаряды",),
            "uk": ("122-мм реактивні снаряди",),
            "ja": ("122ミリロケット弾",),
        },
    ),
    WeaponData(
        "M1989 Koksan",
        WeaponCategory.ARTILLERY_SYSTEM,
        "KP",
        "170 mm self-propelled gun.",
        {
            "en": ("Koksan", "M-1989", "170mm self-propelled gun"),
            "ko": ("곡산포", "170㎜ 자주포"),
            "ru": ("Коксан",),
            "uk": ("Коксан",),
            "ja": ("コクサン",),
        },
    ),
    WeaponData(
        "M1991 240 mm multiple rocket launcher",
        WeaponCategory.ARTILLERY_SYSTEM,
        "KP",
        "240 mm multiple rocket launcher.",
        {
            "en": ("240mm MRL", "240 mm MRL", "M-1991"),
            "ko": ("240㎜ 방사포", "240mm 방사포"),
            "ru": ("240-мм РСЗО",),
            "uk": ("240-мм РСЗВ",),
            "ja": ("240ミリ多連装ロケット砲",),
        },
    ),
    WeaponData(
        "Bulsae-4",
        WeaponCategory.OTHER,
        "KP",
        "Vehicle-mounted anti-tank guided missile.",
        {"en": ("Bulsae 4",), "ko": ("불새-4",)},
    ),
    WeaponData(
        "Pantsir",
        WeaponCategory.AIR_DEFENCE,
        "RU",
        "Short-range air-defence system (guns and missiles).",
        {
            "en": ("Pantsir-S1", "SA-22"),
            "ko": ("판치르",),
            "ru": ("Панцирь", "Панцирь-С1"),
            "uk": ("Панцир", "Панцир-С1"),
            "ja": ("パーンツィリ",),
        },
    ),
    WeaponData(
        "Electronic-warfare equipment",
        WeaponCategory.ELECTRONIC_WARFARE,
        "RU",
        "Jamming and electronic-warfare systems, type not specified.",
        {
            "en": ("EW equipment", "jamming equipment"),
            "ru": ("средства РЭБ",),
            "uk": ("засоби РЕБ",),
            "ko": ("전자전 장비",),
        },
    ),
    WeaponData(
        "Fighter aircraft",
        WeaponCategory.AIRCRAFT,
        "RU",
        "Combat aircraft, type not specified.",
        {"en": ("fighter jets",), "ko": ("전투기",), "ru": ("истребители",), "uk": ("винищувачі",), "ja": ("戦闘機",)},
    ),
    WeaponData(
        "Shahed-136",
        WeaponCategory.DRONE,
        "IR",
        "One-way attack drone; produced in Russia as the Geran-2.",
        {
            "en": ("Geran-2", "Shahed 136"),
            "ko": ("샤헤드-136",),
            "ru": ("Герань-2", "Шахед-136"),
            "uk": ("Шахед-136", "Герань-2"),
            "ja": ("シャヘド136",),
        },
    ),
    WeaponData(
        "Shahed-131",
        WeaponCategory.DRONE,
        "IR",
        "One-way attack drone; produced in Russia as the Geran-1.",
        {"en": ("Geran-1", "Shahed 131"), "ru": ("Герань-1", "Шахед-131"), "uk": ("Шахед-131", "Герань-1")},
    ),
    WeaponData(
        "Fath-360",
        WeaponCategory.BALLISTIC_MISSILE,
        "IR",
        "Short-range ballistic missile.",
        {"en": ("Fath 360",), "ru": ("Фатх-360",), "uk": ("Фатх-360",)},
    ),
)


def _dprk_resolution(number: str, adopted_on: date, summary: str, *provisions: ProvisionData) -> ResolutionData:
    return ResolutionData(number, adopted_on, summary, provisions)


REGIMES: tuple[RegimeData, ...] = (
    RegimeData(
        slug="un-dprk",
        name="UN sanctions on the DPRK (resolution 1718 regime)",
        authority=RegimeAuthority.UN_SECURITY_COUNCIL,
        target="KP",
        title="Non-proliferation: Democratic People's Republic of Korea",
        description=(
            "Security Council measures against the DPRK's nuclear and ballistic-missile programmes, including a "
            "two-way arms embargo. The Panel of Experts' mandate ended on 30 April 2024; since October 2024 the "
            "Multilateral Sanctions Monitoring Team reports instead."
        ),
        resolutions=(
            _dprk_resolution(
                "1718",
                date(2006, 10, 14),
                "Adopted after the first nuclear test; the arms embargo and the 1718 Committee.",
                ProvisionData(
                    "8(a)",
                    ProhibitedAct.SUPPLY_TO,
                    ItemScope.HEAVY_ARMS,
                    "States must stop heavy arms reaching the DPRK: battle tanks, armoured combat vehicles, "
                    "large-calibre artillery, combat aircraft, attack helicopters, warships, missiles or missile "
                    "systems and related materiel, spare parts included.",
                ),
                ProvisionData(
                    "8(b)",
                    ProhibitedAct.EXPORT_FROM,
                    ItemScope.HEAVY_ARMS,
                    "The DPRK must stop exporting the items of 8(a), and every state must forbid its nationals and "
                    "vessels from procuring them from the DPRK.",
                ),
                ProvisionData(
                    "12",
                    ProhibitedAct.OTHER,
                    ItemScope.NOT_ITEMS,
                    "Creates the Security Council committee that oversees these measures.",
                ),
            ),
            _dprk_resolution(
                "1874",
                date(2009, 6, 12),
                "Adopted after the second nuclear test; extends the arms embargo and creates the Panel of Experts.",
                ProvisionData(
                    "9",
                    ProhibitedAct.EXPORT_FROM,
                    ItemScope.ALL_ARMS,
                    "Widens the export and procurement ban of 1718 para 8(b) to all arms and related materiel, "
                    "with the financing, training and services tied to them.",
                    extends=("1718", "8(b)"),
                ),
                ProvisionData(
                    "10",
                    ProhibitedAct.SUPPLY_TO,
                    ItemScope.ARMS_EXCEPT_SMALL_ARMS,
                    "Widens the supply ban of 1718 para 8(a) to all arms and related materiel except small arms "
                    "and light weapons, whose supply must be notified to the Committee in advance.",
                    extends=("1718", "8(a)"),
                ),
                ProvisionData(
                    "11",
                    ProhibitedAct.OTHER,
                    ItemScope.NOT_ITEMS,
                    "States must inspect cargo to and from the DPRK on their territory when there are reasonable "
                    "grounds to believe it holds banned items (paras 11-15 set out the inspection regime).",
                ),
                ProvisionData(
                    "26",
                    ProhibitedAct.OTHER,
                    ItemScope.NOT_ITEMS,
                    "Creates the Panel of Experts to assist the Committee and report on implementation.",
                ),
            ),
            _dprk_resolution(
                "2087", date(2013, 1, 22), "Adopted after a satellite launch using ballistic-missile technology."
            ),
            _dprk_resolution("2094", date(2013, 3, 7), "Adopted after the third nuclear test; financial measures."),
            _dprk_resolution(
                "2270",
                date(2016, 3, 2),
                "Adopted after the fourth nuclear test; closes the small-arms exception.",
                ProvisionData(
                    "6",
                    ProhibitedAct.SUPPLY_TO,
                    ItemScope.SMALL_ARMS,
                    "Extends the supply ban of 1874 para 10 to small arms and light weapons.",
                    extends=("1874", "10"),
                ),
            ),
            _dprk_resolution("2321", date(2016, 11, 30), "Adopted after the fifth nuclear test; export caps."),
            _dprk_resolution("2371", date(2017, 8, 5), "Adopted after intercontinental ballistic-missile launches."),
            _dprk_resolution("2375", date(2017, 9, 11), "Adopted after the sixth nuclear test."),
            _dprk_resolution("2397", date(2017, 12, 22), "Adopted after a further ICBM launch; tighter limits."),
        ),
    ),
    RegimeData(
        slug="un-iran",
        name="UN sanctions on Iran (non-proliferation)",
        authority=RegimeAuthority.UN_SECURITY_COUNCIL,
        target="IR",
        title="Non-proliferation: Islamic Republic of Iran",
        description=(
            "Resolutions 1737, 1747, 1803 and 1929 were terminated by resolution 2231 (2015), whose Annex B kept "
            "time-limited restrictions; the earlier measures were reinstated in September 2025."
        ),
        resolutions=(
            ResolutionData(
                "1737",
                date(2006, 12, 23),
                "First sanctions on Iran's nuclear and ballistic-missile programmes.",
                (
                    ProvisionData(
                        "3",
                        ProhibitedAct.SUPPLY_TO,
                        ItemScope.MISSILE_TECHNOLOGY,
                        "States must stop items, materials and technology that could help Iran's enrichment, "
                        "heavy-water or nuclear-weapon delivery (ballistic-missile) programmes from reaching Iran.",
                    ),
                    ProvisionData(
                        "7",
                        ProhibitedAct.EXPORT_FROM,
                        ItemScope.MISSILE_TECHNOLOGY,
                        "Iran must not export the listed nuclear and missile items, and states must forbid "
                        "procuring them from Iran.",
                    ),
                ),
            ),
            ResolutionData(
                "1747",
                date(2007, 3, 24),
                "Adds an arms export ban on Iran.",
                (
                    ProvisionData(
                        "5",
                        ProhibitedAct.EXPORT_FROM,
                        ItemScope.ALL_ARMS,
                        "Iran must not supply, sell or transfer any arms or related materiel, and states must "
                        "forbid procuring them from Iran.",
                    ),
                ),
            ),
            ResolutionData("1803", date(2008, 3, 3), "Extends travel bans and cargo inspection."),
            ResolutionData(
                "1929",
                date(2010, 6, 9),
                "Adds a ban on heavy arms to Iran and on its ballistic-missile activity.",
                (
                    ProvisionData(
                        "8",
                        ProhibitedAct.SUPPLY_TO,
                        ItemScope.HEAVY_ARMS,
                        "States must stop battle tanks, armoured combat vehicles, large-calibre artillery, combat "
                        "aircraft, attack helicopters, warships, missiles or missile systems reaching Iran.",
                    ),
                ),
            ),
            ResolutionData(
                "2231",
                date(2015, 7, 20),
                "Endorses the Joint Comprehensive Plan of Action; Annex B keeps time-limited restrictions.",
                (
                    ProvisionData(
                        "Annex B 4",
                        ProhibitedAct.OTHER,
                        ItemScope.MISSILE_TECHNOLOGY,
                        "Transfers to or from Iran of missile-technology items need the Security Council's prior "
                        "approval (until October 2023).",
                    ),
                    ProvisionData(
                        "Annex B 5",
                        ProhibitedAct.SUPPLY_TO,
                        ItemScope.HEAVY_ARMS,
                        "Supplies of heavy arms to Iran need the Security Council's prior approval "
                        "(until October 2020).",
                    ),
                    ProvisionData(
                        "Annex B 6(b)",
                        ProhibitedAct.EXPORT_FROM,
                        ItemScope.ALL_ARMS,
                        "Procurement of arms from Iran needs the Security Council's prior approval "
                        "(until October 2020).",
                    ),
                ),
            ),
        ),
    ),
)


def resolution_url(number: str, adopted_on: date) -> str:
    """The UN's permanent document address of a Security Council resolution."""
    return f"https://undocs.org/S/RES/{number}({adopted_on.year})"


def _load_aliases(alias_model, owner_field: str, owner, aliases: Aliases, counts: Counter) -> None:
    for language, names in aliases.items():
        for name in names:
            _, outcome = upsert(alias_model, {owner_field: owner, "name": name, "language": language}, {})
            counts[outcome] += 1


@transaction.atomic
def load_reference_data(report: Callable[[str, Counter], None] = lambda step, counts: None) -> dict[str, Counter]:
    """Load or update all reference rows; running it again changes nothing.

    ``report(step, counts)`` is called after each step with how many rows were
    created, updated and left unchanged.
    """
    from events.models import (
        Actor,
        ActorAlias,
        Provision,
        Resolution,
        SanctionsRegime,
        WeaponSystem,
        WeaponSystemAlias,
    )

    results: dict[str, Counter] = {}

    def step(name: str, counts: Counter) -> None:
        results[name] = counts
        report(name, counts)

    states, aliases = Counter(), Counter()
    state_by_code = {}
    for state in STATES:
        actor, outcome = upsert(
            Actor,
            {"kind": ActorKind.STATE, "iso_code": state.iso_code},
            {"name": state.name},
            {"public_id": stable_public_id("actor", state.iso_code)},
        )
        states[outcome] += 1
        state_by_code[state.iso_code] = actor
        _load_aliases(ActorAlias, "actor", actor, state.aliases, aliases)
    step("states", states)

    actors = Counter()
    for data in ACTORS:
        country = state_by_code[data.country] if data.country else None
        actor, outcome = upsert(
            Actor,
            {"kind": data.kind, "name": data.name},
            {
                "country": country,
                "un_reference": data.un_reference,
                "imo_number": data.imo_number,
                "description": data.description,
            },
            {"public_id": stable_public_id("actor", f"{data.kind}:{data.name}")},
        )
        actors[outcome] += 1
        _load_aliases(ActorAlias, "actor", actor, data.aliases, aliases)
    step("other actors", actors)
    step("actor aliases", aliases)

    systems, system_aliases = Counter(), Counter()
    for data in WEAPON_SYSTEMS:
        system, outcome = upsert(
            WeaponSystem,
            {"designation": data.designation},
            {
                "category": data.category,
                "origin": state_by_code[data.origin],
                "description": data.description,
            },
            {"public_id": stable_public_id("weapon-system", data.designation)},
        )
        systems[outcome] += 1
        _load_aliases(WeaponSystemAlias, "weapon_system", system, data.aliases, system_aliases)
    step("weapon systems", systems)
    step("weapon-system aliases", system_aliases)

    regimes, resolutions, provisions = Counter(), Counter(), Counter()
    for data in REGIMES:
        regime, outcome = upsert(
            SanctionsRegime,
            {"slug": data.slug},
            {
                "name": data.name,
                "authority": data.authority,
                "target": state_by_code[data.target],
                "description": data.description,
            },
            {"public_id": stable_public_id("regime", data.slug)},
        )
        regimes[outcome] += 1
        provision_by_key = {}
        for res in data.resolutions:
            resolution, outcome = upsert(
                Resolution,
                {"regime": regime, "number": res.number},
                {
                    "adopted_on": res.adopted_on,
                    "title": data.title,
                    "url": resolution_url(res.number, res.adopted_on),
                    "summary": res.summary,
                },
                {"public_id": stable_public_id("resolution", f"{data.slug}:{res.number}")},
            )
            resolutions[outcome] += 1
            for prov in res.provisions:
                provision, outcome = upsert(
                    Provision,
                    {"resolution": resolution, "paragraph": prov.paragraph},
                    {
                        "summary": prov.summary,
                        "prohibited_act": prov.act,
                        "item_scope": prov.scope,
                        "extends": provision_by_key[prov.extends] if prov.extends else None,
                    },
                    {"public_id": stable_public_id("provision", f"{data.slug}:{res.number}:{prov.paragraph}")},
                )
                provisions[outcome] += 1
                provision_by_key[(res.number, prov.paragraph)] = provision
    step("regimes", regimes)
    step("resolutions", resolutions)
    step("provisions", provisions)
    return results
