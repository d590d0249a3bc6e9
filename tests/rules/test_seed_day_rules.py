"""Issue 9 (SPEC §5.9) on the pure core: the order of the day by last month's ranking."""
from tests.rules.kit import Floor, phone


def order(f: Floor, when: str) -> list[str]:
    return [row["staff"] for row in f.next(when)["order"]]


def test_ord_ranking_reads_the_calendar_month_before_even_when_this_month_has_no_deal_yet():
    """ORD-RANKING: on 2 November, before November's first deal, October ranks the day."""
    f = Floor(order__daily="ranking", date="2026-10-05")
    f.staff("a", "b", "c")
    f.deal(phone(1), "b", "deposit", "2026-10-10 10:00")
    f.deal(phone(2), "c", "deposit", "2026-10-11 10:00")
    f.deal(phone(3), "c", "contract", "2026-10-12 10:00")
    f.date = "2026-11-02"
    f.check_in("a", "b", "c")
    assert order(f, "08:40") == ["c", "b", "a"]


def test_ord_ranking_ignores_a_month_older_than_the_one_before():
    """ORD-RANKING: September's deals do not rank November (October had none): the roster order."""
    f = Floor(order__daily="ranking", date="2026-09-05")
    f.staff("a", "b", "c")
    f.deal(phone(1), "c", "deposit", "2026-09-10 10:00")
    f.date = "2026-11-02"
    f.check_in("a", "b", "c")
    assert order(f, "08:40") == ["a", "b", "c"]


def test_ord_ranking_across_the_year_end():
    """ORD-RANKING: in January, December's deals rank the day."""
    f = Floor(order__daily="ranking", date="2026-12-05")
    f.staff("a", "b", "c")
    f.deal(phone(1), "b", "deposit", "2026-12-10 10:00")
    f.date = "2027-01-04"
    f.check_in("a", "b", "c")
    assert order(f, "08:40") == ["b", "a", "c"]
