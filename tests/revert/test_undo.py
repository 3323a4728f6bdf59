"""Undoing one bot edit from three texts (before, the bot's, now): exact, and only the bot's."""

from __future__ import annotations

from wikisync.generate.mapblock import CLOSE_WORDS, OPEN_WORDS
from wikisync.parse import remove_param, set_param
from wikisync.revert.undo import CHANGED_SINCE, NOT_UNDOABLE, Undoer, inserted_piece

UNDO = Undoer()
BEFORE = ("{{Fiche initiative\n| nom = Pôle A\n| commune = Brest\n"
          "| site web = <!-- à compléter -->\n| téléphone = 02 98 00 00 00 <!-- standard -->\n"
          "}}\nTexte.\n")
LINK = "https://www.openstreetmap.org/?mlat=48.1&mlon=-4.2"


def bot_edit(text: str = BEFORE) -> str:
    """The bot's edit: carte added, site web set over a placeholder, téléphone removed."""
    text = set_param(text, "fiche", "carte", LINK)
    text = set_param(text, "fiche", "site web", "http://a.example.org")
    return remove_param(text, "fiche", "téléphone")


def test_an_untouched_page_gets_its_text_before_back_exactly() -> None:
    bot = bot_edit()
    assert UNDO.undo(BEFORE, bot, bot).text == BEFORE


def test_a_person_s_unrelated_change_stays_and_each_bot_parameter_goes_back_exactly() -> None:
    bot = bot_edit()
    person = bot.replace("Texte.", "Texte revu.").replace("Brest", "Quimper")
    undone = UNDO.undo(BEFORE, bot, person, "Pôle A")
    assert undone.text == BEFORE.replace("Texte.", "Texte revu.").replace("Brest", "Quimper")
    assert sorted(undone.undone) == ["carte (fiche #0)", "site web (fiche #0)",
                                     "téléphone (fiche #0)"]
    assert undone.left == ()


def test_a_parameter_a_person_changed_after_the_bot_is_left_and_reported() -> None:
    bot = bot_edit()
    person = bot.replace("http://a.example.org", "http://b.example.org")
    undone = UNDO.undo(BEFORE, bot, person)
    assert "http://b.example.org" in undone.text and "carte" not in undone.text
    assert [(left.what, left.reason) for left in undone.left] == [
        ("site web (fiche #0)", CHANGED_SINCE)]
    assert str(undone.left[0]) == "site web (fiche #0): changed-since (now 'http://b.example.org')"


def test_undoing_twice_changes_nothing_more() -> None:
    bot = bot_edit()
    person = bot.replace("Texte.", "Texte revu.")
    once = UNDO.undo(BEFORE, bot, person)
    twice = UNDO.undo(BEFORE, bot, once.text)
    assert twice.text == once.text and twice.undone == () and twice.left == ()


LIST = ("Intro.\n{{Liste pôles ESS|région=Bretagne}}\n%s{{Fin liste pôles ESS}}\n"
        "Suite.\n")


def test_a_list_block_goes_back_only_when_nobody_edited_it() -> None:
    before, bot = LIST % "* Ancien\n", LIST % "* Nouveau\n"
    person = bot.replace("Suite.", "Suite revue.")
    assert UNDO.undo(before, bot, person).text == before.replace("Suite.", "Suite revue.")
    touched = (LIST % "* Nouveau\n* Ajout humain\n").replace("Suite.", "Suite revue.")
    undone = UNDO.undo(before, bot, touched)
    assert undone.text == touched
    assert [(left.what, left.reason) for left in undone.left] == [("list block #0",
                                                                   CHANGED_SINCE)]


def test_an_inserted_block_is_removed_when_it_is_still_there_unchanged() -> None:
    before = "Intro.\n\n[[Catégorie:Pôles]]\n"
    block = f"<!-- {OPEN_WORDS} -->\ncarte\n<!-- {CLOSE_WORDS} -->\n\n"
    bot = "Intro.\n\n" + block + "[[Catégorie:Pôles]]\n"
    assert inserted_piece(before, bot) == block
    person = "Intro revue.\n\n" + block + "[[Catégorie:Pôles]]\n"
    assert UNDO.undo(before, bot, person).text == "Intro revue.\n\n[[Catégorie:Pôles]]\n"
    edited = person.replace("\ncarte\n", "\ncarte corrigée\n")
    undone = UNDO.undo(before, bot, edited)
    assert undone.text == edited and undone.left[0].reason == CHANGED_SINCE


def test_other_text_changes_are_left_as_not_undoable() -> None:
    before, bot = "Un texte.\n", "Un autre texte, réécrit.\n"
    undone = UNDO.undo(before, bot, bot + "Ajout.\n")
    assert undone.text == bot + "Ajout.\n" and undone.left[0].reason == NOT_UNDOABLE

