"""销号 by a second person (issue 13, part 3): the rules of verifying a submitted figure.

With the ledger setting `require_verification` on, a figure recorded by any path (`record`, a CSV,
a 报送表, `import-records`) is `submitted`: it waits and does not count toward status. Another
person verifies it (it counts from then on) or rejects it with a reason (it never counts). The
setting decides when a record is made: a record made while it was off counts as before, and a
record made while it was on waits even if the setting is turned off later (it can still be
verified or rejected). A verdict is final: one per record, never changed; a wrong figure is
corrected by a new one, as always.

`refusal` is pure; `judge` reads the record and writes the verdict in one write transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xlgl.errors import InputError
from xlgl.model import REJECTED, VERIFIED, Record, Review

if TYPE_CHECKING:
    from xlgl.store import Ledger

VERDICT_WORDS = {VERIFIED: "复核通过", REJECTED: "退回"}


def same_person(one: str | None, other: str | None) -> bool:
    """Whether two names are the same person (spaces around and letter case do not count)."""
    if one is None or other is None:
        return False
    return one.strip().casefold() == other.strip().casefold()


def refusal(
    record: Record, earlier: Review | None, by: str, reject: bool, reason: str | None
) -> str | None:
    """Why `by` may not give this verdict on `record` (one Chinese line), or None if they may.
    `earlier`: the verdict the record already has."""
    name = f"记录 #{record.id}"
    if record.voids is not None:
        return f"{name} 是作废记录，无需复核"
    if earlier is not None:
        return f"{name} 已由 {earlier.by} {VERDICT_WORDS[earlier.verdict]}，不能再复核"
    if record.voided:
        return f"{name} 已作废，不能复核"
    if not record.submitted:
        return f"{name} 登记时台账未要求复核，已计入，无需复核"
    if same_person(by, record.by):
        return f"{name} 由 {record.by} 录入，复核须由录入人以外的人进行（用 --by 写明复核人）"
    if reject and not (reason and reason.strip()):
        return "退回须用 --reason 写明原因"
    return None


def judge(
    ledger: Ledger, record_id: int, *, by: str, reject: bool = False, reason: str | None = None
) -> tuple[Record, Review]:
    """Verify (or with `reject`, reject) a submitted record as `by`; InputError if the rules
    refuse. Returns the record and the verdict written."""
    from xlgl.store.reviews import add_review, review_of

    if not by.strip():
        raise InputError("复核人不能为空")
    with ledger.write():
        record = ledger.record(record_id)
        problem = refusal(record, review_of(ledger, record_id), by, reject, reason)
        if problem is not None:
            raise InputError(problem)
        verdict = REJECTED if reject else VERIFIED
        add_review(ledger, record_id, verdict, by.strip(), reason.strip() if reason else None)
        review = review_of(ledger, record_id)
    assert review is not None  # written just above
    return record, review
