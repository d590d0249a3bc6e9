"""Ten desks register at the same instant: ten different receivers, and check passes."""
import json
import os
import subprocess
import sys


def test_ten_simultaneous_registers_get_ten_receivers(office):
    people = [f"s{i}" for i in range(10)]
    office.staff(*people)
    office.ok("check-in", *people, at="2026-11-02 08:55")
    env = {**os.environ, "ROTACTL_DIR": str(office.path)}
    gate = office.path.parent / "gate"
    script = (
        "import os, sys, time\n"
        f"while not os.path.exists({str(gate)!r}): time.sleep(0.001)\n"
        "from rotactl.cli import main\n"
        "sys.argv = ['rotactl', '--at', '2026-11-02 09:10', '--as', 'm', '--format', 'json', 'register',"
        " '--name', '客户', '--phone', sys.argv[1]]\n"
        "main()\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, f"139000000{i:02d}"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(10)]
    gate.write_text("go")
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    receivers = [json.loads(out)["receiver"] for out, _err in outputs]
    assert sorted(receivers) == sorted(people)
    check = subprocess.run([sys.executable, "-m", "rotactl", "--format", "json", "check"], env=env,
                           capture_output=True, text=True)
    assert check.returncode == 0 and json.loads(check.stdout)["ok"] is True
