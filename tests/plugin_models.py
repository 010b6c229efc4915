"""A sixth cooperation model written as one class, used by tests/test_behaviour.py.

Revenue sharing: the municipality runs the land development (as in the traditional model) but,
instead of a fixed land price, the open money term is read as a price per market home that the
developer pays, and the developer always carries half of the overruns.
"""

from sim.cooperation import CooperationModel, register


@register
class HalfOverrunSharing(CooperationModel):
    """Municipality develops the land; overruns are always split half-half."""

    name = "half_overrun_sharing"
    summary = "municipality develops land; overruns split 50/50"
    overrun_negotiable = False
    default_overrun = 0.5
