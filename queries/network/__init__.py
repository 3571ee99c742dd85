"""Network analytics with networkx on subgraphs pulled from Neo4j (issue 7).

Equity penetration and control (:mod:`.equity`), debtor groups and brokers
(:mod:`.groups`), circular claims (:mod:`.cycles`) and explained paths between two
parties (:mod:`.paths`). Every pull is a .cypher file beside this module, bounded by
hops and node caps; every result says which algorithm produced it and is cached
under the graph's load version (:mod:`.common`).
"""

from queries.network.common import (
    CACHE,
    GLOBAL_CACHE,
    OPEN_STATUSES,
    NetworkError,
    PartyInfo,
    clear_caches,
    load_version,
    resolve_party,
)
from queries.network.cycles import ClaimCycle, CyclesResult, claim_cycles, cycle_subgraph
from queries.network.equity import (
    ControlledCompany,
    ControlledResult,
    ControllerResult,
    controlled_companies,
    controlled_view,
    ultimate_controller,
)
from queries.network.groups import (
    BrokersResult,
    DebtorGroup,
    GroupsResult,
    GroupView,
    brokers,
    debtor_group,
    debtor_groups,
)
from queries.network.paths import PathsResult, paths_between

__all__ = [
    "CACHE", "GLOBAL_CACHE", "OPEN_STATUSES", "BrokersResult", "ClaimCycle", "ControlledCompany", "ControlledResult",
    "ControllerResult", "CyclesResult", "DebtorGroup", "GroupView", "GroupsResult", "NetworkError", "PartyInfo",
    "PathsResult", "brokers", "claim_cycles", "clear_caches", "controlled_companies", "controlled_view", "cycle_subgraph",
    "debtor_group", "debtor_groups", "load_version", "paths_between", "resolve_party", "ultimate_controller",
]
