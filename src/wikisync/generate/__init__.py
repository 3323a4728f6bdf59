"""Generated wikitext: list blocks on pages, new fiches from the dataset, the map page.

Rendering uses the Jinja2 templates of ``templates/`` (or the user's ``[generate]
templates`` folder); every write goes through ``wikisync.write`` (a ``WriteSession``'s
``PageWriter``).
"""

from wikisync.generate.fiches import FichePlan, NewFiche, create_fiches, plan_fiches
from wikisync.generate.lists import BlockRewriter, ListRenderer, Rewritten
from wikisync.generate.query import ListQuery, QueryError
from wikisync.generate.run import GenerateResult, generate_blocks, publish_map_page
from wikisync.generate.templates import TemplateError, environment, shipped_templates_dir

__all__ = [
    "BlockRewriter",
    "FichePlan",
    "GenerateResult",
    "ListQuery",
    "ListRenderer",
    "NewFiche",
    "QueryError",
    "Rewritten",
    "TemplateError",
    "create_fiches",
    "environment",
    "generate_blocks",
    "plan_fiches",
    "publish_map_page",
    "shipped_templates_dir",
]
