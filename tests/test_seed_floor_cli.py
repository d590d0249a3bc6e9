"""Issue 9 (SPEC §5.9), the floor rules through the real CLI on a real office directory."""
from tests.conftest import edit_policy
from tests.conftest import open_floor as floor


def test_rot_free_free_day_the_desk_names_receivers_nothing_counts(tmp_path):
    office = floor(tmp_path)
    refused = office.run("free-day", "--reason", "开盘日", at="2026-11-02 08:40", actor="desk")
    assert refused.exit_code == 1 and "only a manager" in refused.stderr
    declared = office.ok("free-day", "--reason", "开盘日", at="2026-11-02 08:40")
    assert (declared["free_day"], declared["rule"]) == ("2026-11-02", "ROT-FREE")
    again = office.run("free-day", "--reason", "开盘日", at="2026-11-02 08:45")
    assert again.exit_code == 1 and "already a free day" in again.stderr
    named = office.ok("register", "--name", "张三", "--phone", "13900000001", "--to", "c",
                      at="2026-11-02 09:00", actor="desk")
    assert (named["receiver"], named["counted"], named["rule"], named["owner"]) == ("c", False, "ROT-FREE", "c")
    rows = {r["staff"]: r for r in office.ok("report", "day", "--date", "2026-11-02", at="2026-11-02 18:00")}
    assert (rows["c"]["turns"], rows["c"]["receptions"]) == (0, 1)
    office.ok("rollover", at="2026-11-03 01:00")
    office.ok("check-in", "a", "b", "c", at="2026-11-03 08:30")
    assert office.ok("next", at="2026-11-03 08:40")["next"] == "a"
    # the next day is not free: the desk's --to is a manager's override again
    assert office.run("register", "--name", "李四", "--phone", "13900000002", "--to", "c",
                      at="2026-11-03 09:00", actor="desk").exit_code == 1


def test_rot_free_a_past_day_cannot_be_declared_free(tmp_path):
    office = floor(tmp_path)
    result = office.run("free-day", "--date", "2026-11-01", "--reason", "看楼团", at="2026-11-02 08:40")
    assert result.exit_code == 1 and "is over" in result.stderr


def test_pen_passes_free_pass_counts_from_becoming_next_up(tmp_path):
    office = floor(tmp_path, "qingdao")
    assert office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:00")["receiver"] == "a"
    passed = office.ok("pass", "b", at="2026-11-02 09:20")
    assert passed["free"] is False
    free = office.ok("pass", "c", at="2026-11-02 09:51")          # c next-up since 09:20
    assert free["free"] is True


def test_att_recognised_hand_back_limit_in_table3(tmp_path):
    office = floor(tmp_path, "table3")                             # the preset's 10 minutes (轮岗3 八)
    entry = office.ok("register", "--name", "王五", "--phone", "13900000001", at="2026-11-02 09:00")["entry"]
    late = office.run("handover", entry, "--to", "b", at="2026-11-02 09:15")
    assert late.exit_code == 1 and "more than 10 minutes" in late.stderr
    on_time = floor(tmp_path / "x", "table3")
    entry = on_time.ok("register", "--name", "王五", "--phone", "13900000001", at="2026-11-02 09:00")["entry"]
    assert on_time.ok("handover", entry, "--to", "b", at="2026-11-02 09:10")["receiver"] == "b"


def test_cnt_party_family_member_goes_to_the_receiver_still_with_the_family(tmp_path):
    office = floor(tmp_path)
    office.ok("register", "--name", "张先生", "--phone", "13900000001", at="2026-11-02 09:00")
    wife = office.ok("register", "--name", "李女士", "--phone", "13900000002", "--family-of", "13900000001",
                     "--relation", "spouse", at="2026-11-02 09:05")
    assert (wife["receiver"], wife["counted"], wife["rule"]) == ("a", False, "CNT-PARTY")
    assert office.ok("next", at="2026-11-02 09:06")["next"] == "b"


def test_cnt_help_rollover_credits_the_owner_and_owes_the_helper(tmp_path):
    office = floor(tmp_path, "carshowroom")                        # counting.help = "owner-makeup" (二8(2))
    office.ok("register", "--name", "王五", "--phone", "13900000001", at="2026-11-02 09:00")
    office.ok("rollover", at="2026-11-03 01:00")
    office.ok("check-in", "a", "b", "c", at="2026-11-03 08:30")
    office.ok("register", "--name", "新客", "--phone", "13900000002", at="2026-11-03 09:00")
    helped = office.ok("register", "--name", "王五", "--phone", "13900000001", at="2026-11-03 09:10")
    assert (helped["receiver"], helped["rule"], helped["owner"]) == ("c", "ROT-LAST", "a")
    office.ok("rollover", at="2026-11-04 01:00")
    credits = office.ok("log", "--since", "2026-11-03", "--kind", "help-credit", at="2026-11-04 01:00")
    assert [(c["staff"], c["owner"], c["rule"]) for c in credits] == [("c", "a", "CNT-HELP")]
    rows = {r["staff"]: r for r in office.ok("report", "day", "--date", "2026-11-03", at="2026-11-04 01:00")}
    assert rows["a"]["turns"] == 2 and rows["c"]["turns"] == 0
    office.ok("check-in", "a", "b", "c", at="2026-11-04 08:30")
    first = office.ok("register", "--name", "赵六", "--phone", "13900000003", at="2026-11-04 09:00")
    assert (first["receiver"], first["rule"]) == ("c", "ROT-MAKEUP")
    assert office.ok("check", at="2026-11-04 10:00")["ok"] is True


def test_day_rollover_jiuzhou_calls_are_logged_then_given_out(tmp_path):
    office = floor(tmp_path, "jiuzhou")                            # calls.mode = "day-end" (九州名座 2)
    logged = office.ok("register", "--name", "电话客", "--phone", "13900000001", "--queue", "call",
                       at="2026-11-02 09:00")
    assert (logged["receiver"], logged["rule"], logged["owner"]) == (None, "DAY-ROLLOVER", None)
    office.ok("rollover", at="2026-11-03 01:00")
    given = office.ok("log", "--since", "2026-11-02", "--kind", "distribute", at="2026-11-03 01:00")
    assert [(g["receiver"], g["ref"]) for g in given] == [("a", logged["entry"])]
    assert office.ok("who", "13900000001", at="2026-11-03 09:00")["owner"] == "a"
    assert office.ok("check", at="2026-11-03 09:00")["ok"] is True


def test_rot_duty_duty_command_names_the_call_receiver(tmp_path):
    office = floor(tmp_path)
    edit_policy(office, 'mode = "rotation"', 'mode = "duty"')
    office.ok("duty", "c", at="2026-11-02 08:40", actor="desk")
    call = office.ok("register", "--name", "电话客", "--phone", "13900000001", "--queue", "call",
                     at="2026-11-02 09:00", actor="desk")
    assert (call["receiver"], call["counted"], call["rule"]) == ("c", False, "ROT-DUTY")
    assert office.run("duty", "m", at="2026-11-02 09:10").exit_code == 1    # a manager is not in the rotation


def test_rot_next_carshowroom_calls_go_to_the_one_after_the_next_up(tmp_path):
    office = floor(tmp_path, "carshowroom")
    call = office.ok("register", "--name", "电话客", "--phone", "13900000001", "--queue", "call",
                     at="2026-11-02 09:00")
    assert (call["receiver"], call["counted"]) == ("b", True)
    assert office.ok("next", at="2026-11-02 09:01")["next"] == "a"


def test_att_first_pinke_calls_claim_nothing(tmp_path):
    office = floor(tmp_path, "pinke")
    call = office.ok("register", "--name", "电话客", "--phone", "13900000001", "--queue", "call",
                     at="2026-11-02 09:00")
    assert call["receiver"] == "a" and call["owner"] is None
    assert office.ok("who", "13900000001", at="2026-11-02 09:05")["owner"] is None


def test_att_protect_waichang_referred_customer_protected_40_days(tmp_path):
    office = floor(tmp_path, "waichang")
    office.ok("register", "--name", "老客户", "--phone", "13900000001", at="2026-11-02 09:00")
    office.ok("done", "a", at="2026-11-02 09:30")
    new = office.ok("register", "--name", "新客户", "--phone", "13900000002", "--referred-by", "13900000001",
                    at="2026-11-02 10:00")
    assert (new["owner"], new["protected_until"]) == ("a", "2026-12-12")
