"""Which queued record a stage starts next: the pro lane first, with a guard so standard records still move.

A consumer reads the standard and the pro lane of its topics (`topics.with_lanes`). Whenever it has a free
slot, the candidates are the head records of each (partition, key) with nothing of that key running (one per
key, so each job's records stay in order; another job's record running in the same partition does not hold a
candidate back) and `LanePicker.pick` chooses one:

- a pro record before any standard one, oldest first within a lane;
- except when the starvation guard trips, then the oldest standard record: after
  `max_consecutive_pro` pro records started in a row while a standard record was waiting, or once the
  oldest waiting standard record has waited `max_standard_wait_seconds` since it was published;
- the last `reserved_pro_slots` of a stage's slots take only pro records (unless the guard trips): pro jobs
  reach a stage at different times, as their earlier stages finish them, and a standard record that took the
  last free slot in between holds a pro record back for a whole render (renders are not preempted).

Either guard is off at 0, and so is the reservation. The picker is pure bookkeeping over a clock, so it is
tested with a fake one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from cinemesh.runtime.topics import PRO_LANE


@dataclass(frozen=True)
class LanePolicy:
    """The starvation guard's two limits; 0 turns a limit off."""

    #: Pro records started in a row, while a standard record waits, before one standard record starts.
    max_consecutive_pro: int = 8
    #: Seconds since publication after which a waiting standard record starts before any pro record.
    max_standard_wait_seconds: float = 600.0
    #: Slots of a stage's concurrency that only a pro record takes (the starvation guard still may).
    reserved_pro_slots: int = 0

    def __post_init__(self) -> None:
        if self.max_consecutive_pro < 0 or self.max_standard_wait_seconds < 0 or self.reserved_pro_slots < 0:
            raise ValueError(f"lane policy limits must be ≥ 0 (0 turns one off), got {self}")


@dataclass(frozen=True)
class Candidate:
    """The head record of an idle key: where it is, its lane, and when it was published (epoch s)."""

    key: Hashable
    lane: str
    published_at: float


class LanePicker:
    """Chooses the next record to start among candidates; remembers how many pro records started in a row."""

    def __init__(self, policy: LanePolicy | None = None, clock: Callable[[], float] = time.time) -> None:
        self.policy = policy or LanePolicy()
        self._clock = clock
        #: Pro records started in a row while at least one standard record was waiting.
        self.consecutive_pro = 0
        #: How many standard records the guard started ahead of waiting pro records (for tests and logs).
        self.guard_trips = 0

    def pick(self, candidates: Sequence[Candidate], reserved: bool = False) -> Candidate | None:
        """The record to start in a free slot; `reserved`: the slot is one kept for pro records, so a standard
        record starts in it only when the guard trips, and None when no record may."""
        if not candidates:
            raise ValueError("no candidate to pick from")
        pro = [c for c in candidates if c.lane == PRO_LANE]
        standard = [c for c in candidates if c.lane != PRO_LANE]
        oldest_standard = min(standard, key=lambda c: c.published_at) if standard else None
        if not pro:
            assert oldest_standard is not None
            if reserved and not self._starving(oldest_standard):
                return None
            self.consecutive_pro = 0
            return oldest_standard
        oldest_pro = min(pro, key=lambda c: c.published_at)
        if oldest_standard is None:
            self.consecutive_pro = 0  # nobody waits behind it: pro records in a row harm no one
            return oldest_pro
        if self._starving(oldest_standard):
            self.consecutive_pro = 0
            self.guard_trips += 1
            return oldest_standard
        self.consecutive_pro += 1
        return oldest_pro

    def _starving(self, standard: Candidate) -> bool:
        policy = self.policy
        if policy.max_consecutive_pro and self.consecutive_pro >= policy.max_consecutive_pro:
            return True
        waited = self._clock() - standard.published_at
        return bool(policy.max_standard_wait_seconds) and waited >= policy.max_standard_wait_seconds
