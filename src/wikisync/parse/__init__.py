"""Reading records from wikitext and writing parameter values back, losslessly.

The only package of wikisync that imports mwparserfromhell.  Reading never raises: problems
are data (``Problem``) on the records and on the ``PageParse``.  Writing changes exactly the
parameter asked for, and refuses (``UnsafeEdit``) any page whose problems make an edit unsafe.
"""

from wikisync.parse.edit import (
    TemplateEditor,
    apply_changes,
    refuse_unsafe_page,
    remove_param,
    set_param,
)
from wikisync.parse.escape import escape_value
from wikisync.parse.names import Aliases, TemplateMatcher, param_key, template_key
from wikisync.parse.page import PageParse, PageReader, parse, read_page
from wikisync.parse.tree import parse_wikitext, tokenizer_for
from wikisync.parse.values import canonical, clean, decode_entities, fold_key

# The names; kept out of ``__all__`` so that a star import never shadows ``set``.
set = set_param  # noqa: A001
remove = remove_param

__all__ = [
    "Aliases",
    "TemplateEditor",
    "PageParse",
    "PageReader",
    "TemplateMatcher",
    "apply_changes",
    "canonical",
    "clean",
    "decode_entities",
    "escape_value",
    "fold_key",
    "param_key",
    "parse",
    "read_page",
    "parse_wikitext",
    "refuse_unsafe_page",
    "remove_param",
    "set_param",
    "template_key",
    "tokenizer_for",
]
