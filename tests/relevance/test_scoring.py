"""What the relevance scorer keeps in, keeps out and suggests, one behaviour per test."""

import json

import pytest

from events.choices import WeaponCategory
from sources.relevance import score_article


def test_it_keeps_a_north_korean_missile_test_out():
    result = score_article(
        "N. Korea fires ballistic missile toward East Sea",
        "North Korea fired a short-range ballistic missile into the East Sea, South Korea's Joint Chiefs of Staff "
        "said. It flew 600 km before splashing down, the fourth test launch this year.",
        "en",
    )

    assert not result.is_candidate
    assert result.supplier is None and result.recipient is None


def test_it_keeps_a_legal_us_sale_to_japan_out():
    result = score_article(
        "US clears $2 billion missile sale to Japan",
        "The State Department approved a possible Foreign Military Sale of Tomahawk missiles to Japan, which is "
        "strengthening its defences against North Korea's growing missile arsenal.",
        "en",
    )

    assert not result.is_candidate


def test_it_keeps_a_russian_strike_with_russian_missiles_out():
    result = score_article(
        "Россия нанесла удар «Калибрами» по Одессе",
        "Российские войска выпустили по Одессе крылатые ракеты «Калибр» и баллистические ракеты «Искандер», "
        "сообщили Воздушные силы Украины.",
        "ru",
    )

    assert not result.is_candidate


@pytest.mark.parametrize(
    ("title", "text", "language"),
    [
        (
            "Russian tourists flock to North Korean ski resort",
            "A second group of Russian tourists arrived in Pyongyang for a week at the Masikryong ski resort, "
            "the travel agency said, as direct flights from Moscow resume.",
            "en",
        ),
        (
            "北朝鮮の芸術団がモスクワで公演",
            "北朝鮮の芸術団がモスクワで公演し、両国は文化交流と留学生の派遣を拡大することで合意した。",
            "ja",
        ),
    ],
    ids=["tourism", "culture"],
)
def test_it_keeps_tourism_and_culture_between_north_korea_and_russia_out(title, text, language):
    assert not score_article(title, text, language).is_candidate


def test_it_keeps_arms_production_in_europe_out():
    result = score_article(
        "Європа нарощує виробництво снарядів",
        "Rheinmetall відкрив у Німеччині завод, який вироблятиме 350 тисяч артилерійських снарядів на рік. "
        "Потужності ЄС зростають, щоб постачати боєприпаси Україні.",
        "uk",
    )

    assert not result.is_candidate


def test_it_suggests_kp_to_ru_for_shells_shipped_to_russia():
    result = score_article(
        "North Korea shipped artillery shells to Russia",
        "North Korea has shipped more than a million 152mm shells to Russia through the port of Rajin, "
        "South Korean intelligence said.",
        "en",
    )

    assert result.is_candidate
    assert (result.supplier, result.recipient) == ("KP", "RU")
    assert WeaponCategory.ARTILLERY_AMMUNITION in result.categories


def test_it_suggests_ir_to_ru_for_shahed_drones():
    result = score_article(
        "Іран передав Росії нову партію дронів",
        "Іран передав Росії ще кілька сотень ударних дронів Шахед-136, повідомила розвідка.",
        "uk",
    )

    assert result.is_candidate
    assert (result.supplier, result.recipient) == ("IR", "RU")
    assert result.categories == (WeaponCategory.DRONE,)


def test_it_suggests_ru_to_kp_for_air_defence_sent_to_north_korea():
    result = score_article(
        "러시아, 북한에 판치르 방공체계 제공",
        "정부 소식통은 러시아가 북한에 판치르 방공체계와 전자전 장비를 제공했다고 밝혔다.",
        "ko",
    )

    assert result.is_candidate
    assert (result.supplier, result.recipient) == ("RU", "KP")
    assert WeaponCategory.AIR_DEFENCE in result.categories


def test_it_takes_the_use_of_north_korean_missiles_against_ukraine_as_a_candidate():
    result = score_article(
        "ロシア軍、北朝鮮製ミサイルでハルキウを攻撃",
        "ウクライナ検察によると、ロシア軍は北朝鮮製の弾道ミサイルKN-23でハルキウを攻撃した。",
        "ja",
    )

    assert result.is_candidate
    assert (result.supplier, result.recipient) == ("KP", "RU")
    assert any(match.kind == "weapon" and match.ref == "KN-23" for match in result.matches)


def test_it_takes_a_denial_as_a_candidate():
    result = score_article(
        "Москва отрицает получение ракет из КНДР",
        "МИД России назвал ложью сообщения о том, что КНДР поставляет России баллистические ракеты.",
        "ru",
    )

    assert result.is_candidate
    assert any(match.kind == "denial" for match in result.matches)
    assert (result.supplier, result.recipient) == ("KP", "RU")


@pytest.mark.parametrize(
    ("title", "text", "needle"),
    [
        ("DPRK arms", "Pyongyang sent 152mm shells to Russia, the UN said.", "152mm shells"),
        ("КНДР", "Ракеты из Северной Кореи ударили по Харькову.", "Северной Кореи"),
        ("КНДР", "Ракети з Північної Кореї вдарили по Харкову.", "Північної Кореї"),
        ("北한", "러시아는 북한이 제공한 미사일을 사용했다.", "북한"),
        ("北朝鮮", "ロシアは北朝鮮から砲弾を調達した。", "砲弾"),
    ],
    ids=["en", "ru", "uk", "ko", "ja"],
)
def test_offsets_point_at_the_matched_text(title, text, needle):
    result = score_article(title, text)

    fields = {"title": title, "text": text}
    assert result.matches
    for match in result.matches:
        assert fields[match.field][match.start : match.end] == match.term
    assert any(match.term == needle and match.field == "text" for match in result.matches)


def test_offsets_survive_characters_that_change_length_when_lower_cased():
    text = "İstanbul talks: North Korea sent shells to Russia."

    result = score_article("", text)

    for match in result.matches:
        assert text[match.start : match.end] == match.term
    assert any(match.term == "North Korea" for match in result.matches)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Поставки Северной Корее и Северную Корею обсуждали отдельно.", "Северную Корею"),
        ("Разведка сообщила о поставках из Северной Кореи.", "Северной Кореи"),
        ("Розвідка повідомила про постачання з Північної Кореї.", "Північної Кореї"),
        ("Северокорейские снаряды нашли под Курском.", "Северокорейские"),
        ("North Korea's shells and the North Korean missiles", "North Korean"),
    ],
)
def test_it_matches_inflected_names(text, term):
    matches = [match for match in score_article("", text).matches if match.kind == "actor" and match.ref == "KP"]

    assert term in [match.term for match in matches]


def test_it_matches_korean_names_with_particles_and_japanese_without_spaces():
    korean = score_article("", "북한이 러시아에 포탄을 보냈다.", "ko")
    japanese = score_article("", "北朝鮮がロシアに砲弾を送った。", "ja")

    for result in (korean, japanese):
        assert {match.ref for match in result.matches if match.kind == "actor"} >= {"KP", "RU"}
        assert (result.supplier, result.recipient) == ("KP", "RU")


def test_it_does_not_match_a_name_inside_another_word():
    result = score_article("Tirana hosts a Balkan summit", "Leaders met in Tirana; Iranian envoys did not attend.")

    terms = [match.term for match in result.matches if match.ref == "IR"]
    assert terms == ["Iranian"]


def test_it_reads_resolution_numbers_only_next_to_the_word_resolution():
    result = score_article(
        "Shells from North Korea breach resolution 1718",
        "The shipments violate resolutions 1874 and 2270, and 결의 2397호. The port, built in 1929, handled them.",
    )

    assert result.resolutions == ("1718", "1874", "2270", "2397")


def test_it_returns_a_bounded_score_and_json_ready_output():
    result = score_article("North Korea sent missiles to Russia", "KN-23 missiles hit Kyiv.")

    assert 0.0 <= result.score <= 1.0
    data = json.loads(json.dumps(result.as_dict()))
    assert data["supplier"] == "KP"
    assert {"term", "start", "end", "field", "kind", "ref"} <= set(data["matches"][0])


def test_it_scores_an_empty_article_as_nothing():
    result = score_article("", "")

    assert (result.is_candidate, result.matches, result.supplier, result.categories) == (False, (), None, ())
