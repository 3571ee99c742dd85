"""Input edges of the API and the pages (security review #15): search text is text, the server's error text
never reaches a user, out-of-range dates are 422 naming the field."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import quote

import api_helpers
import pytest
from api_helpers import CO, ZS

api = api_helpers.api
Api = api_helpers.Api

JAVA_INTERNALS = ("org.apache", "lucene", "java.", "Exception", "Caused by")


def _names(api: Api, text: str) -> list[str]:
    res = api.get("/api/v1/parties?name=" + quote(text), role="judge")
    assert res.status_code == 200, res.text
    return [item["uid"] for item in res.json()["items"]]


def _page(api: Api, url: str, role: str = "judge") -> object:
    return api.client.get(url, headers={**api.headers(role), "Accept": "text/html"})


# -- search text is text -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["AND", "OR", "NOT", "张三 AND", "AND 张三", "OR 张三 NOT", "&&", "||", "!",
                                  "张三 \\", "name:(张三", "[张三 TO 李四]", "张三~", "/张.*/"])
def test_operator_words_and_syntax_are_searched_as_text(api: Api, text: str) -> None:
    api_helpers.build_story(api.graph)
    res = api.get("/api/v1/parties?name=" + quote(text), role="judge")
    assert res.status_code == 200, res.text
    assert not any(word in res.text for word in JAVA_INTERNALS)
    if "张三" in text:
        assert ZS in [item["uid"] for item in res.json()["items"]]


def test_lucene_queries_do_not_read_fields_or_wildcards(api: Api) -> None:
    api_helpers.build_story(api.graph)
    assert _names(api, "*:*") == []  # not every party
    assert _names(api, "name:*") == []
    assert _names(api, "张*") == []  # a star is a character, not a wildcard
    assert _names(api, "name:张伟 OR uid:*") == []  # nobody is named so
    assert _names(api, "贸易") == [CO]  # Chinese words still found inside names
    assert _names(api, "张三") == [ZS]


def test_the_party_search_saved_query_takes_text_too(api: Api) -> None:
    api_helpers.build_story(api.graph)
    for text in ("AND", "*:*", "name:张伟 OR uid:*"):
        res = api.post("/api/v1/queries/party_search/run", role="investigator", json={"params": {"name": text}})
        assert res.status_code == 200, res.text
        assert res.json()["rows"] == []
    found = api.post("/api/v1/queries/party_search/run", role="investigator", json={"params": {"name": "张三 AND"}})
    assert [row["uid"] for row in found.json()["rows"]] == [ZS]


def test_search_and_path_pages_take_operator_words(api: Api) -> None:
    api_helpers.build_story(api.graph)
    for url in ("/web/search?by=name&q=AND", "/web/search?q=NOT", "/web/search?by=name&q=" + quote("*:*"),
                "/web/paths?a=AND&b=" + quote("张三"), "/web/queries/party_search?run=1&name=OR"):
        page = _page(api, url, role="investigator")
        assert page.status_code == 200, (url, page.text[:500])
        assert not any(word in page.text for word in JAVA_INTERNALS), url
    assert "张三" not in _page(api, "/web/search?by=name&q=" + quote("*:*")).text


def test_too_long_search_text_is_422_naming_the_field(api: Api) -> None:
    res = api.post("/api/v1/queries/party_search/run", role="investigator", json={"params": {"name": "张" * 201}})
    assert res.status_code == 422 and res.json()["errors"][0]["field"] == "name"


# -- the server's error text never reaches a user ---------------------------------------------------------


@pytest.fixture
def without_name_index(api: Api) -> Iterator[Api]:
    """A deployment whose full-text index is missing: every name search fails in the database."""
    api_helpers.build_story(api.graph)
    api.graph.autocommit("DROP INDEX party_names")
    try:
        yield api
    finally:
        api.graph.migrate()


def test_a_database_refusal_elsewhere_is_generic_and_logged(without_name_index: Api,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    api = without_name_index
    with caplog.at_level(logging.ERROR):
        res = api.get("/api/v1/parties?name=" + quote("张三"), role="judge")
    assert res.status_code == 400
    assert res.headers["content-type"].startswith("application/problem+json")
    assert "party_names" not in res.text and not any(word in res.text for word in JAVA_INTERNALS), res.text
    assert res.json()["detail"]  # says what happened, in its own words
    assert "party_names" in caplog.text  # the server's text is in the log instead


def test_a_database_refusal_on_a_page_is_generic(without_name_index: Api) -> None:
    page = _page(without_name_index, "/web/search?by=name&q=" + quote("张三"))
    assert page.status_code == 400 and "text/html" in page.headers["content-type"]
    assert "party_names" not in page.text and not any(word in page.text for word in JAVA_INTERNALS)


# -- dates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "field"), [("until=9999-12-31", "until"), ("since=9999-12-31", "since"),
                                              ("since=0001-01-01", "since")])
def test_alert_dates_out_of_range_are_422_naming_the_field(api: Api, query: str, field: str) -> None:
    res = api.get("/api/v1/alerts?" + query, role="judge")
    assert res.status_code == 422, res.text
    assert [e["field"] for e in res.json()["errors"]] == [field]


def test_alert_dates_in_range_still_work(api: Api) -> None:
    res = api.get("/api/v1/alerts?since=1900-01-01&until=2999-12-31", role="judge")
    assert res.status_code == 200 and res.json()["total"] == 0


def test_alert_inbox_page_dates_out_of_range_are_422(api: Api) -> None:
    page = _page(api, "/web/alerts?until=9999-12-31")
    assert page.status_code == 422 and "until" in page.text
