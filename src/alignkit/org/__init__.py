"""The organisation: people, functions (departments), reporting lines and function heads.

Every other area names *parties*: a person by id or a function by name.
:class:`Org` answers who they are, who leads them and who manages whom, and
:meth:`Org.lint` reports what does not add up (codes ``ORG…``).

>>> from alignkit.org import Function, Org, Person
>>> org = Org(
...     functions=[Function("Executive", head="ceo"), Function("Sales", head="vp-sales")],
...     people=[
...         Person("ceo", "Dana Reyes", "Executive"),
...         Person("vp-sales", "Sam Okafor", "Sales", manager="ceo"),
...         Person("ae-1", "Lee Park", "Sales", manager="vp-sales"),
...         Person("ae-2", "Ana Ruiz", "Sales", manager="vp-sales"),
...     ],
... )
>>> org.head("Sales").name
'Sam Okafor'
>>> [p.id for p in org.manager_chain("ae-1")]
['vp-sales', 'ceo']
>>> org.lowest_common_manager("ae-1", "ae-2").id
'vp-sales'
>>> org.lint().ok
True

Added in 0.1.
"""

from __future__ import annotations

from alignkit._exports import publish
from alignkit.org._model import (
    CSV_COLUMNS,
    Function,
    Org,
    Person,
)

__all__ = [
    "CSV_COLUMNS",
    "Function",
    "Org",
    "Person",
]

publish(globals(), __all__)
