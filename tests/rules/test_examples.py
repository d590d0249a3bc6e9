"""Kit smoke tests: one rule from each section, through the pure core only."""
from rotactl.core import rules
from tests.rules.kit import Floor, phone


def test_rot_busy_skips_the_busy_next_up_and_owes_a_make_up():
    f = Floor()
    f.staff("a", "b", "c")
    f.check_in("a", "b", "c")
    assert f.register("09:00", phone=phone(1)).decision.receiver == "a"
    second = f.register("09:05", phone=phone(2))
    assert (second.decision.receiver, second.decision.rule) == ("b", rules.ROT_NEXT)
    f.done("b", "09:10")
    third = f.register("09:20", phone=phone(3))          # next-up is c … then a, busy
    assert third.decision.receiver == "c"
    fourth = f.register("09:30", phone=phone(4))
    assert fourth.decision.receiver == "b"
    assert [tuple(s) for s in fourth.decision.skipped] == [("a", "make-up", rules.ROT_BUSY)]


def test_spl_stage_deposit_before_recognition_splits_50_50():
    f = Floor("stage")
    f.staff("a", "b")
    f.check_in("a", "b")
    f.register("09:00", name="张三", phone=phone(1))            # a owns 张三
    f.done("a", "09:30")
    f.register("10:00", name="李梅", phone=phone(2))            # b receives his wife, unaware
    f.deal(phone(2), "b", "deposit", "11:00")
    f.link(phone(2), phone(1), "spouse", "12:00")                # recognised after the deposit
    (found,) = f.disputes()
    assert found["rule"] == rules.SPL_STAGE and found["proposal"] == {"a": 50, "b": 50}
