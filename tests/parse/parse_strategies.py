"""Hypothesis strategies: broken wikitext, and infoboxes laid out as editors lay them out."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

# characters that matter to the tokenizer, plus ordinary and non-ASCII text
MARKUP_CHARS = "{}[]|=<>!-&;#'*:/\"\n\r\t _~"
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(MARKUP_CHARS),
        st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
    ),
    max_size=8,
)
FRAGMENT_LIST = [
    "{{", "}}", "{{{", "}}}", "[[", "]]", "[", "]", "|", "=", "\n", "\r\n", "<!--", "-->",
    "<ref>", "</ref>", "<ref name=a/>", "<nowiki>", "</nowiki>", "<pre>", "</pre>", "<br>",
    "&", "&amp;", "&nbsp;", "&#", "&#x", "&#124;", "&#xZZ;", "&eacute;", "&&", " & ",
    "{{Fiche initiative", "{{fiche_initiative|", "{{Pôle ESS|", "{{Pôle ESS par région|",
    "{{nobots}}", "{{bots|deny=all}}", "{{Coord|48.39|-4.49}}", "{{URL|", "{{!}}",
    "nom=", "type=", "site web=", "coordonnées=", "http://a.example.org/?a=1&b=2",
    "{|", "|}", "|-", "''", "'''", "==", "* ", "~~~~", "’", "\u00a0", "é", "°", "′",
]
FRAGMENTS = st.sampled_from(FRAGMENT_LIST)
WIKITEXT = st.lists(st.one_of(FRAGMENTS, TEXT), max_size=40).map("".join)

# values an editor may have typed in an infobox (valid wikitext, one line)
SAFE_VALUES = st.sampled_from([
    "", "Brest", "[[Brest]]", "[[Brest (Finistère)|Brest]]", "<!-- à compléter -->",
    "45 <!-- en 2009 -->", "2005<ref>Étude 2009</ref>", "{{Coord|48.39|-4.49}}",
    "[http://a.example.org Site]", "12&nbsp;rue X", "l’ESS & co", "''Pôle''", "R&D",
])
# what MediaWiki turns into U+FFFD on save (C0 controls but tab/LF/CR, U+FFFE, U+FFFF):
# a value holding one cannot be written exactly (refused, see test_splice_property)
UNSTORABLE = "".join(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])) + "\ufffe\uffff"
# plain values the bot may write: anything MediaWiki stores as written, markup included
BOT_VALUES = st.text(
    alphabet=st.one_of(
        st.sampled_from(MARKUP_CHARS + "’\u00a0"),
        st.characters(blacklist_characters=UNSTORABLE, blacklist_categories=("Cs",)),
    ),
    max_size=30,
) | st.sampled_from(["a|b", "{{x}}", "a}}", "&amp;", "=x", "~~~~", "</nowiki>", "x\ny"])

PARAM_NAMES = [
    "nom", "type", "région", "département", "commune", "adresse", "code postal", "latitude",
    "longitude", "coordonnées", "site web", "site", "création", "statut", "structures",
    "contact", "courriel", "téléphone", "carte", "réseau", "autre",
]


@dataclass(frozen=True)
class Infobox:
    """A generated infobox page: its text and the 0-based lines of each parameter."""

    text: str
    names: tuple[str, ...]
    lines: tuple[tuple[int, int], ...]  # first and last line of each parameter
    close_line: int  # the line holding ``}}``


@st.composite
def infoboxes(draw: st.DrawFn) -> Infobox:
    """An infobox in one of the editors' layouts, with distinct parameter names."""
    names = draw(st.lists(st.sampled_from(PARAM_NAMES), unique=True, max_size=8))
    values = [draw(SAFE_VALUES) for _ in names]
    layout = draw(st.sampled_from(["aligned", "spaced", "tight", "compact"]))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    before = draw(st.sampled_from(["", "Intro." + eol, "{{Autre|x=1}}" + eol]))
    after = draw(st.sampled_from(["", eol + "Texte & suite." + eol, eol + "[[Catégorie:X]]"]))
    spelling = st.sampled_from(["Fiche initiative", "fiche_initiative", "Modèle:Fiche initiative"])
    head = "{{" + draw(spelling)
    first = before.count("\n")
    if layout == "compact":
        body = "".join(f"|{n}={v}" for n, v in zip(names, values, strict=True))
        text = before + head + body + "}}" + after
        return Infobox(text, tuple(names), tuple((first, first) for _ in names), first)
    width = max((len(n) for n in names), default=0)
    lines = []
    for name, value in zip(names, values, strict=True):
        if layout == "aligned":
            lines.append(f"| {name.ljust(width)} = {value}")
        elif layout == "spaced":
            lines.append(f"| {name} = {value}")
        else:
            lines.append(f"|{name}={value}")
    text = before + head + eol + "".join(line + eol for line in lines) + "}}" + after
    spans = tuple((first + 1 + i, first + 1 + i) for i in range(len(names)))
    return Infobox(text, tuple(names), spans, first + 1 + len(names))
