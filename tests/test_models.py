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
