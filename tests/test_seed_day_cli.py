"""Issue 9, day end and the order of the day, through the real CLI on a real office directory."""

from tests.conftest import Office


def test_pen_half_weekly_penalty_is_applied_when_the_weeks_last_day_is_quiet(tmp_path):
    """SPEC §5.9: day-end rules run on every closed day, also a day with no entries — a weekly
    PEN-HALF due on a quiet Sunday is applied when a later rollover closes it (九州名座 12)."""
    office = Office(tmp_path / "o", preset="jiuzhou")
    office.staff("a", "b")
    office.ok("check-in", "a", "b", at="2026-11-02 08:30")
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:00")
    office.ok("deal", "13900000001", "--by", "a", "--stage", "deposit", "--amount", "20000",
              at="2026-11-02 10:00")
    # nothing at all recorded from Tuesday to Sunday; cron missed the week, Tuesday's run closes it all
    closed = office.ok("rollover", at="2026-11-10 01:00")
    assert closed["closed"][0] == "2026-11-02" and closed["closed"][-1] == "2026-11-09"
    assert "2026-11-08" in closed["closed"]
    penalties = office.ok("log", "--since", "2026-11-08", "--kind", "penalty", at="2026-11-10 01:00")
    assert [(p["staff"], p["from"], p["until"]) for p in penalties] == [("b", "2026-11-09", "2026-11-15")]
    # … and it is in force: b is on half rotation on the Monday after
    office.ok("check-in", "a", "b", at="2026-11-10 08:30")
    assert office.ok("rollover", at="2026-11-10 09:00")["closed"] == []


def test_day_rollover_closes_every_quiet_day_once(tmp_path):
    """DAY-ROLLOVER seals each day up to the date, quiet ones included; a second run changes nothing."""
    office = Office(tmp_path / "o", preset="jiuzhou")
    office.staff("a")
    first = office.ok("rollover", at="2026-11-05 01:00")
    assert first["closed"] == ["2026-11-02", "2026-11-03", "2026-11-04"]
    before = office.ledger_bytes()
    again = office.ok("rollover", at="2026-11-05 02:00")
    assert again["closed"] == [] and office.ledger_bytes() == before


def test_ord_ranking_on_the_first_of_the_month_reads_the_month_before(tmp_path):
    """ORD-RANKING: on 2 November, before November's first deal, October's deals decide the order
    (not the roster order because only one month with deals is known)."""
    office = Office(tmp_path / "o")
    toml = (tmp_path / "o" / "rotactl.toml")
    toml.write_text(toml.read_text(encoding="utf-8").replace('daily = "continue"', 'daily = "ranking"'),
                    encoding="utf-8")
    office.ok("staff", "add", "m", "--name", "周杰", "--role", "manager", at="2026-10-01 07:00")
    for sid in ("a", "b", "c"):
        office.ok("staff", "add", sid, "--name", f"销售{sid}", at="2026-10-01 07:00")
    office.ok("check-in", "a", "b", "c", at="2026-10-12 08:30")
    for n, (closer, stage) in enumerate([("c", "deposit"), ("c", "contract"), ("b", "deposit")], start=1):
        office.ok("register", "--name", f"客户{n}", "--phone", f"1390000000{n}", "--to", closer,
                  at=f"2026-10-12 09:0{n}")
        office.ok("deal", f"1390000000{n}", "--by", closer, "--stage", stage, "--amount", "100000",
                  at=f"2026-10-12 10:0{n}")
    office.ok("check-in", "a", "b", "c", at="2026-11-02 08:30")
    view = office.ok("next", at="2026-11-02 08:40")
    assert [row["staff"] for row in view["order"]] == ["c", "b", "a"]
