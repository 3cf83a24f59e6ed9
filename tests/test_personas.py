"""Persona cards: the shipped ones are whole people; bad cards are refused with the field named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from coach.cli import main
from coach.counterpart.cards import (
    DIMENSIONS,
    SHIPPED_DIR,
    list_personas,
    load_persona,
    load_persona_file,
    parse_persona_yaml,
    save_persona,
    template_yaml,
)
from coach.counterpart.scripted import natural_listener
from coach.errors import PersonaError

SHIPPED = {p.id: p for p in list_personas()}
APP = str(Path(__file__).resolve().parent.parent / "app.py")


# -- the shipped cards ---------------------------------------------------------------------------
def test_at_least_eight_people_across_roles_and_industries():
    assert len(SHIPPED) >= 8
    roles = " ".join(p.role for p in SHIPPED.values()).lower()
    for role in ("financial", "operating", "marketing", "sales", "executive", "general manager"):
        assert role in roles, role
    assert len({p.industry for p in SHIPPED.values()}) == len(SHIPPED)
    assert len({p.name for p in SHIPPED.values()}) == len(SHIPPED)
    assert {p.difficulty for p in SHIPPED.values()} == {"easy", "normal", "hard"}


@pytest.mark.parametrize("pid", sorted(SHIPPED))
def test_each_shipped_card_covers_the_playbook_and_is_authored_in_full(pid):
    p = SHIPPED[pid]
    assert {f.dimension for f in p.facts} == set(DIMENSIONS)
    assert any(f.trust > 0 for f in p.facts if f.dimension == "financials")  # money talk needs trust
    assert all(len(f.reveal) >= 2 for f in p.facts)  # variety in every reveal
    for name in type(p.reactions).model_fields:
        assert getattr(p.reactions, name), f"{pid} leaves reactions.{name} to the neutral fallback"
    assert p.shipped and p.source.endswith(f"{pid}.yaml")
    # the id does not give facts away: neutral ids only
    assert all(f.id == f"{f.dimension}-1" for f in p.facts)


@pytest.mark.parametrize("pid", sorted(SHIPPED))
def test_the_background_the_leader_sees_gives_no_hidden_fact_away(pid):
    p = SHIPPED[pid]
    from coach.counterpart.facts import covers

    for fact in p.facts:
        assert not covers(fact, p.background), fact.id
        assert fact.statement not in p.background


# -- validation: every error names the field -------------------------------------------------------
def _card(**changes) -> str:
    data = yaml.safe_load(template_yaml())
    for path, value in changes.items():
        node = data
        keys = path.split(".")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        last = keys[-1]
        if value is None:
            del node[last]
        else:
            node[int(last) if last.isdigit() else last] = value
    return yaml.safe_dump(data, sort_keys=False)


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"name": None}, "name: missing (required)"),
        ({"difficulty": "brutal"}, "difficulty: Input should be 'easy', 'normal' or 'hard'"),
        ({"core": ["financials-1", "nope-1"]}, "core: ['nope-1'] not among the fact ids"),
        ({"core": ["financials-1"]}, "core: list at least two"),
        ({"facts.1.trust": 1.5}, "facts[1] (financials-1).trust: Input should be less than or equal to 1"),
        (
            {"facts.1.dimension": "weather"},
            "facts[1] (financials-1).dimension: Input should be 'competitors'",
        ),
        ({"facts.0.reveal": []}, "facts[0] (customers-1).reveal: reveal needs at least one line"),
        ({"facts.0.colour": "blue"}, "facts[0] (customers-1).colour: unknown field"),
        ({"facts.2.id": "financials-1"}, "facts: ids must be unique; repeated: ['financials-1']"),
        ({"facts.1.id": "Money Fact"}, "facts[1] (Money Fact).id: 'Money Fact' is not an id"),
        (
            {"facts.1.paraphrase": "you worry about money"},
            "facts[1].paraphrase (financials-1): does not mention",
        ),
        (
            {"facts.0.misreadings": ["next-day delivery"]},
            "facts[0].misreadings (customers-1): 'next-day delivery'",
        ),
        (
            {"reactions.accurate_summary": ["Yes, exactly."]},
            "reactions.accurate_summary: every line must say",
        ),
        ({"reactions.pitch": None}, "reactions.pitch: missing (required)"),
        (
            {"reactions.guarded": ["Not {subject} yet."]},
            "reactions.guarded: line 'Not {subject} yet.' has unknown",
        ),
        ({"reactions.small_talk": ["Margins? Down to 8 percent, ha."]}, "reactions.small_talk[0]: '8'"),
        ({"reactions.deflect": ["We lost 12 points of margin."]}, "belongs to hidden fact financials-1"),
    ],
)
def test_a_bad_card_is_refused_naming_the_field(changes, expected):
    with pytest.raises(PersonaError) as err:
        parse_persona_yaml(_card(**changes), source="my-card.yaml")
    assert "my-card.yaml" in str(err.value)
    assert expected in str(err.value), str(err.value)


def test_every_problem_is_listed_at_once():
    with pytest.raises(PersonaError) as err:
        parse_persona_yaml(_card(name=None, role=None, difficulty="x"), source="c")
    assert "3 problem(s)" in str(err.value)


@pytest.mark.parametrize(
    "text, expected",
    [("id: [unclosed", "not valid YAML at line 2"), ("- just\n- a list", "a card is a YAML mapping")],
)
def test_text_that_is_not_a_card(text, expected):
    with pytest.raises(PersonaError, match=expected):
        parse_persona_yaml(text)


def test_the_template_is_a_valid_card():
    assert parse_persona_yaml(template_yaml()).id == "my-counterpart"


# -- loading and saving -----------------------------------------------------------------------------
def test_unknown_id_lists_the_known_ones(settings):
    with pytest.raises(PersonaError) as err:
        load_persona("maria-cf0", settings)
    assert "maria-cfo" in str(err.value) and "tom-claims" in str(err.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(PersonaError, match="no-such.yaml: no such persona file"):
        load_persona_file(tmp_path / "no-such.yaml")


def test_saved_card_round_trips_and_joins_the_list(settings):
    mine = parse_persona_yaml(_card(id="jordan-coo"))
    path = save_persona(mine, settings)
    assert path == settings.data_dir / "personas" / "jordan-coo.yaml"
    again = load_persona("jordan-coo", settings)
    assert again.model_dump() == mine.model_dump() and not again.shipped
    assert [p.id for p in list_personas(settings)][-1] == "jordan-coo"


def test_a_shipped_id_is_never_overwritten(settings):
    fake = parse_persona_yaml(_card(id="maria-cfo"))
    with pytest.raises(PersonaError, match="belongs to a shipped persona"):
        save_persona(fake, settings)
    assert load_persona("maria-cfo", settings).name == "Maria Okafor"
    assert not (settings.data_dir / "personas" / "maria-cfo.yaml").exists()


def test_a_broken_card_of_yours_does_not_hide_the_others(settings):
    folder = settings.data_dir / "personas"
    folder.mkdir(parents=True)
    (folder / "draft.yaml").write_text("id: [broken", encoding="utf-8")
    assert len(list_personas(settings)) == len(SHIPPED)


def test_the_shipped_folder_holds_only_cards_and_docs():
    names = {p.name for p in SHIPPED_DIR.iterdir()}
    assert "README.md" in names and "_template.yaml" in names
    assert all(n.endswith((".yaml", ".md")) for n in names)


# -- the CLI ------------------------------------------------------------------------------------------
def test_cli_lists_personas_without_hidden_facts(settings):
    result = CliRunner().invoke(main, ["personas", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert {r["id"] for r in rows} == set(SHIPPED)
    text = result.output
    for p in SHIPPED.values():
        for fact in p.facts:
            assert fact.statement not in text


def test_cli_show_is_the_authors_view_with_hidden_facts(settings):
    result = CliRunner().invoke(main, ["persona", "show", "maria-cfo", "--json"])
    assert result.exit_code == 0, result.output
    card = json.loads(result.output)
    assert card["id"] == "maria-cfo" and card["source"] == "shipped"
    assert {f["id"] for f in card["facts"]} == {f.id for f in SHIPPED["maria-cfo"].facts}
    assert card["facts"][3]["statement"] == SHIPPED["maria-cfo"].facts[3].statement


def test_cli_unknown_persona_is_one_line_and_exit_2(settings):
    result = CliRunner().invoke(main, ["persona", "show", "nobody"])
    assert result.exit_code == 2 and "Known personas:" in result.output


def test_cli_validate_names_the_field(tmp_path, settings):
    card = tmp_path / "c.yaml"
    card.write_text(_card(difficulty="brutal"), encoding="utf-8")
    result = CliRunner().invoke(main, ["persona", "validate", str(card)])
    assert result.exit_code == 2 and "difficulty: Input should be" in result.output


def test_cli_check_plays_the_scripted_leaders(settings):
    result = CliRunner().invoke(main, ["persona", "check", "sofia-cmo", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] and report["results"]["good_listener"]["easy"]["thats_right_turn"]


# -- the authoring page ------------------------------------------------------------------------------
@pytest.fixture
def page(settings, monkeypatch) -> AppTest:
    monkeypatch.setenv("COACH_DATA_DIR", str(settings.data_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/personas.py").run()
    assert not at.exception
    return at


def test_page_creates_validates_and_saves_a_card(page, settings):
    page.text_area(key="persona_yaml").set_value(_card(id="pat-gm", name="Pat Example")).run()
    page.button(key="persona_validate").click().run()
    assert not page.error and "Valid: Pat Example" in page.success[0].value
    page.button(key="persona_save").click().run()
    assert (settings.data_dir / "personas" / "pat-gm.yaml").exists()
    assert load_persona("pat-gm", settings).name == "Pat Example"


def test_page_shows_what_is_wrong_and_saves_nothing(page, settings):
    page.text_area(key="persona_yaml").set_value(_card(difficulty="brutal")).run()
    page.button(key="persona_save").click().run()
    assert page.error and "difficulty: Input should be" in page.error[0].value.replace("\\", "")
    assert not (settings.data_dir / "personas").exists()


def test_page_edits_a_shipped_card_as_a_copy(page, settings):
    page.selectbox(key="persona_choice").set_value("tom-claims").run()
    assert "id: tom-claims-copy" in page.text_area(key="persona_yaml").value
    page.button(key="persona_save").click().run()
    assert load_persona("tom-claims-copy", settings).name == "Tom Kowalski"
    assert load_persona("tom-claims", settings).shipped


def test_page_builds_a_card_from_plain_language_and_it_plays(page, settings):
    """A CTO writes facts and what the counterpart says, nothing else; the card is built, saved and rehearsed."""
    typed = {
        "pf_name": "Priya Nair",
        "pf_role": "Chief Operating Officer",
        "pf_company": "Harbour Logistics",
        "pf_industry": "Port logistics",
        "pf_statement_0": "A new automated terminal down the coast is winning the big shipping lines on speed.",
        "pf_statement_1": "The customers who matter are three shipping lines that want berths on time, every time.",
    }
    written = {
        "pf_reveal_0": "Honestly? The automated terminal down the coast. They turn ships round in half the time.",
        "pf_reveal_1": "Three shipping lines. Give them a berth on time and they stay.",
        "pf_depth_0": "Their cranes are new. Ours are thirty years old.",
    }
    for key, value in typed.items():
        page.text_input(key=key).set_value(value)
    for key, value in written.items():
        page.text_area(key=key).set_value(value)
    page.button(key="FormSubmitter:persona_form-Build the card").click().run()
    assert not page.exception and not page.error, [e.value for e in page.error]
    assert "id: priya-nair-chief-operating-officer" in page.text_area(key="persona_yaml").value
    page.button(key="persona_save").click().run()
    p = load_persona("priya-nair-chief-operating-officer", settings)
    assert [f.dimension for f in p.facts] == ["competitors", "customers"]
    assert natural_listener(p, "easy", 0).reached  # asked in other people's words, it rewards listening


def test_page_form_without_facts_says_what_is_missing(page):
    page.text_input(key="pf_name").set_value("Priya Nair")
    page.button(key="FormSubmitter:persona_form-Build the card").click().run()
    assert page.error and "needs a role" in page.error[0].value.replace("\\", "")


@pytest.mark.parametrize(
    "topic, mine",
    [
        ("what success means to her", "what success means to me"),
        ("how he is measured", "how I am measured"),
        ("the competitors she watches", "the competitors I watch"),
        ("who her community is", "who my community is"),
        ("the competition in his region", "the competition in my region"),
        ("what she has to deliver this year", "what I have to deliver this year"),
        ("how they define success", "how we define success"),
        ("what she's proudest of", "what I'm proudest of"),
        ("where he goes for advice", "where I go for advice"),
        ("the last big systems project", "the last big systems project"),
    ],
)
def test_a_topic_is_said_in_her_own_voice(topic, mine):
    from coach.text import first_person

    assert first_person(topic) == mine


@pytest.mark.parametrize("persona", list(SHIPPED.values()), ids=lambda p: p.id)
def test_her_lines_that_name_a_topic_never_talk_about_herself_in_the_third_person(persona):
    import re

    from coach.counterpart.engine import _fill

    third = re.compile(r"\b(she|he|her|his|him)\b", re.I)
    for kind, slot in [
        ("guarded", "topic"),
        ("said_enough", "topic"),
        ("repeat", "topic"),
        ("partial_summary", "missing"),
    ]:
        for line in persona.lines(kind):
            for fact in persona.facts:
                said = _fill(line, **{slot: fact.own_topic})
                assert not third.search(said), (kind, said)
