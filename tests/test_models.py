import pytest
from pydantic import ValidationError

from casegen.models import Figure, Period, Source, earliest, latest

ROW = dict(metric="workers", value="12", published_value="12", unit="人", end="2019-12", scope="x", source="s",
           locator="para 1")


def test_partial_dates_cover_their_whole_span():
    assert str(earliest("2019")) == "2019-01-01" and str(latest("2019")) == "2019-12-31"
    assert str(latest("2020-02")) == "2020-02-29"


@pytest.mark.parametrize("bad", ["2019-13", "2019-02-30", "19-01", "2019/01"])
def test_impossible_dates_are_rejected(bad):
    with pytest.raises(ValidationError):
        Figure.model_validate({**ROW, "end": bad})


@pytest.mark.parametrize("text,expected", [("12", 12.0), ("-3.5", -3.5), ("0.6667", 0.6667)])
def test_values_are_plain_numbers(text, expected):
    assert Figure.model_validate({**ROW, "value": text}).value == expected


@pytest.mark.parametrize("bad", ["1,200", "１２", "12万", "NaN", "", "1e5", "inf"])
def test_values_with_separators_units_or_fullwidth_digits_are_rejected(bad):
    with pytest.raises(ValidationError, match="plain number"):
        Figure.model_validate({**ROW, "value": bad})


def test_period_start_after_end_is_rejected():
    with pytest.raises(ValidationError, match="after end"):
        Period.model_validate({"start": "2020", "end": "2019"})


def test_yaml_dates_and_years_are_accepted_unquoted():
    import datetime
    source = Source.model_validate(dict(id="s", title={"zh": "a", "en": "a"}, short={"zh": "a", "en": "a"}, author="a", author_en="a",
                                        publisher="p", publisher_en="p", published=datetime.date(2018, 1, 2),
                                        language="zh"))
    assert source.published == "2018-01-02"


def test_unknown_fields_are_rejected_so_typos_surface():
    with pytest.raises(ValidationError, match="extra|Extra"):
        Period.model_validate({"start": "2019", "end": "2019", "ned": "2020"})


# --- hardening: whole-string ids, lengths, invisible characters, numbers, URLs ---------------------------

import re  # noqa: E402

from casegen.models import (LENGTH_KINDS, MAX_ID, MAX_NAME, MAX_PROSE, MAX_TERM, SLUG, Case, Region,  # noqa: E402
                            SearchTerms, Unit)

REGION = dict(id="west-prov", zh="西省", en="West Province", level="province")
SOURCE = dict(id="s", title={"zh": "a", "en": "a"}, short={"zh": "a", "en": "a"}, author="a", author_en="a",
              publisher="p", publisher_en="p", published="2018", language="zh")


def errors_of(model, data) -> list[dict]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return info.value.errors()


@pytest.mark.parametrize("bad", ["east-west\n", "east-west\r\n", "\neast-west", "east\u202ewest", "east\u200b-west"])
def test_ids_are_matched_as_a_whole(bad):
    assert not re.fullmatch(SLUG, bad)
    assert errors_of(Region, {**REGION, "id": bad})[0]["type"] == "string_pattern_mismatch"


def test_ids_have_at_most_60_characters():
    Region.model_validate({**REGION, "id": "r" * MAX_ID})
    assert errors_of(Region, {**REGION, "id": "r" * (MAX_ID + 1)})[0]["type"] == "string_too_long"


def test_the_length_limits_differ_so_messages_can_name_them():
    assert len(set(LENGTH_KINDS)) == len(LENGTH_KINDS) == 10


@pytest.mark.parametrize("model, data, field, limit", [
    (SearchTerms, {"terms": ["劳" * (MAX_TERM + 1)]}, ("terms", 0), MAX_TERM),
    (Region, {**REGION, "zh": "西" * (MAX_NAME + 1)}, ("zh",), MAX_NAME),
])
def test_strings_longer_than_their_kind_allows_are_refused(model, data, field, limit):
    err = errors_of(model, data)[0]
    assert (err["type"], err["loc"], err["ctx"]["max_length"]) == ("string_too_long", field, limit)


@pytest.mark.parametrize("char", ["\u200b", "\u200d", "\u2060", "\ufeff", "\u202e", "\u00ad", "\u2028", "\t"])
def test_invisible_characters_are_refused_in_ids_and_names(char):
    assert errors_of(Unit, dict(id=f"万{char}人", zh="万人", en="10k", dimension="people", factor=1))[0]["type"] in \
        ("invisible_character", "bidi_control")
    assert errors_of(Region, {**REGION, "zh": f"西{char}省"})[0]["type"] in ("invisible_character", "bidi_control")


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
                                  "\u2069", "\u200e", "\u200f", "\u061c"])
def test_bidi_controls_are_refused_in_prose_too(char):
    case = dict(title={"zh": "t", "en": "t"}, level="province", east="e", west="w", period={"start": "2018", "end": "2019"},
                sources=["s"], summary={"zh": f"概要{char}。", "en": "x"}, background={"zh": "x", "en": "x"},
                measures={"zh": "x", "en": "x"}, results={"zh": "x", "en": "x"}, lessons={"zh": "x", "en": "x"})
    assert [e["type"] for e in errors_of(Case, case)] == ["bidi_control"]


def test_a_zero_width_space_in_prose_is_allowed():
    case = dict(title={"zh": "t", "en": "t"}, level="province", east="e", west="w", period={"start": "2018", "end": "2019"},
                sources=["s"], summary={"zh": "概要\u200b。", "en": "x"}, background={"zh": "x", "en": "x"},
                measures={"zh": "x", "en": "x"}, results={"zh": "x", "en": "x"}, lessons={"zh": "x", "en": "x"})
    Case.model_validate(case)
    case["summary"]["zh"] = "概" * (MAX_PROSE + 1)
    assert errors_of(Case, case)[0]["type"] == "string_too_long"


@pytest.mark.parametrize("text, kind", [("1" + "0" * 308, "number_length"), ("0" * 5000 + "1", "number_length"),
                                        ("1234567890.123456", "number_digits"), ("123456789012345678", "number_digits")])
def test_values_with_too_many_digits_are_rejected(text, kind):
    assert errors_of(Figure, {**ROW, "value": text})[0]["type"] == kind


@pytest.mark.parametrize("text", ["123456789012345", "-99999999999.9999", "0.00000000000001", "000123"])
def test_values_within_the_digit_limits_pass(text):
    Figure.model_validate({**ROW, "value": text})


@pytest.mark.parametrize("factor", [1e13, 1e-7])
def test_unit_factors_stay_within_range(factor):
    errors_of(Unit, dict(id="x", zh="x", en="x", dimension="people", factor=factor))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "vbscript:x",
                                 "file:///etc/passwd", "ftp://example.org/", "//example.org", "https://", "http:///x",
                                 'https://example.org/"onmouseover=x', "https://example.org/<b>", "https://a b.org",
                                 "https://example.org/\u202e", "https://example.org/\u200b", "https://example.org/\x7f",
                                 "https://example.org/" + "x" * 3000])
def test_source_urls_are_http_addresses_that_cannot_break_a_link(url):
    assert errors_of(Source, {**SOURCE, "url": url})


@pytest.mark.parametrize("url", ["https://example.org/a_b-c.d?x=1&y=[2]#frag", "http://www.gov.cn/xinwen/2019-06/30/c.htm",
                                 "https://zh.wikipedia.org/wiki/东西部扶贫协作"])
def test_ordinary_urls_pass(url):
    assert Source.model_validate({**SOURCE, "url": url}).url == url


@pytest.mark.parametrize("name", ["../x.txt", "a/b.txt", "a\\b.txt", "x\u202etxt.exe"])
def test_a_source_file_is_a_plain_file_name(name):
    assert errors_of(Source, {**SOURCE, "file": name})
