"""Housing association: builds and owns the social-rent homes of a region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.agents.base import Actor
from sim.area import SOCIAL, PhaseState

if TYPE_CHECKING:
    from sim.model import AreaModel


class HousingAssociation(Actor):
    """A woningcorporatie with a yearly investment room in new social homes.

    Attributes:
        region_index: index of its region.
        room_left: social homes it can still commit to this year.
    """

    kind = "housing_association"

    def __init__(self, model: AreaModel, name: str, region_index: int) -> None:
        super().__init__(model, name)
        self.region_index = region_index
        self.params = model.spec.actors.housing_associations
        self.room_left = self.params.social_homes_per_year

    def new_year(self) -> None:
        """Reset the yearly investment room (homes/yr)."""
        self.room_left = self.params.social_homes_per_year

    def consider_social_block(self, phase: PhaseState) -> bool:
        """TEMPORARY RULE (Core): commit to a phase's social homes while the yearly room lasts."""
        if phase.social_committed or phase.homes[SOCIAL] == 0:
            return True
        if phase.homes[SOCIAL] <= self.room_left:
            self.room_left -= int(phase.homes[SOCIAL])
            phase.social_committed = True
            self.model.log(phase, "social_block_committed", homes=int(phase.homes[SOCIAL]))
            return True
        return False
