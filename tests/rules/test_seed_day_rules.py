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


def test_pen_half_day_end_rules_run_on_a_day_with_no_entries():
    """SPEC §5.9: a quiet Sunday still closes the week — the day-end rules see an empty day."""
    from rotactl.core.penalties import day_end
    from rotactl.core.replay import replay_day

    f = Floor("jiuzhou", date="2026-11-02")
    f.staff("a", "b")
    f.check_in("a", "b")
    f.deal(phone(1), "a", "deposit", "10:00")
    carry = f.carry_before("2026-11-08")
    quiet = replay_day(carry, "2026-11-08", f.policy, [])
    assert [(p.staff, p.start, p.until, p.rule) for p in day_end(quiet, "rollover")] == [
        ("b", "2026-11-09", "2026-11-15", "PEN-HALF")]


def test_spl_help_stage_preset_owner_on_leave_keeps_the_whole_deal():
    """stage (房地产接待客户轮排制度表 业绩界定 4): 原接待人不能接待(休假…),其他同事有义务协作、帮助成交,但不计入业绩."""
    f = Floor("stage")
    f.staff("a", "b", "c")
    f.check_in("a", "b", "c")
    f.register("09:00", name="王五", phone=phone(1))
    f.away("a", "personal", "10:00")
    helper = f.register("10:05", name="王五", phone=phone(1)).decision.receiver
    f.deal(phone(1), helper, "deposit", "11:00")
    (credit,) = f.credits().values()
    assert (credit["split"], credit["rule"]) == ({"a": 100}, "SPL-HELP")
