"""Cross-court identity linking: SAME_AS links between parties that are probably one legal person.

``link(graph, threshold_auto=0.95, threshold_review=0.7, source=None)`` scores
candidate pairs with splink and writes automatic and pending links;
``pending`` lists what waits for a reviewer, ``confirm`` and ``reject`` record
a reviewer's decision. ``Party.entity_id`` always names the component of
automatic and confirmed links a party belongs to.
"""

from loaders.identity.links import (
    IdentityError,
    LinkSummary,
    PendingPage,
    Review,
    confirm,
    link,
    pending,
    reject,
)

__all__ = ["IdentityError", "LinkSummary", "PendingPage", "Review", "confirm", "link", "pending", "reject"]
