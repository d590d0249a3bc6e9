"""The short reliability run (`tools/reliability.py --short`) in the normal suite.

Parallel writers with the cache folder wiped underneath them, kill -9 mid-command
with the documented recovery, and tampered copies of an open and a sealed day:
nothing acknowledged is lost, no turn is given twice, no day-end entry is written
twice, every tampering is reported at its FILE:LINE. `make reliability` runs the
same tool at full size.
"""
import json
import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parent.parent / "tools" / "reliability.py"


def test_reliability_short(tmp_path):
    figures_file = tmp_path / "figures.json"
    proc = subprocess.run([sys.executable, str(TOOL), "--short", "--json", str(figures_file)],
                          capture_output=True, text=True, timeout=300)
    shown = proc.stdout[-6000:] + proc.stderr[-3000:]
    assert figures_file.exists(), shown
    figures = json.loads(figures_file.read_text(encoding="utf-8"))["figures"]
    by = {(f["section"], f["name"]): f for f in figures}

    def value(section, name):
        assert (section, name) in by, f"no figure {section}/{name}\n{shown}"
        return by[(section, name)]["value"]

    headline = {}
    for section in ("writers", "writers/git"):
        for name in ("acknowledged registers lost", "torn lines", "turns given twice (same `after`)",
                     "receptions ≠ a fresh `next` just before (replay)", "consecutive receptions by one person"):
            headline[f"{section}/{name}"] = (value(section, name), "0")
        headline[f"{section}/check"] = (by[(section, "check")]["ok"], True)
    for section in ("kill", "kill/git"):
        for name in ("acknowledged entries lost", "duplicated day-end entries",
                     "offices not clean after the documented recovery"):
            headline[f"{section}/{name}"] = (value(section, name), "0")
    for f in figures:
        if f["section"] == "tamper" and f["target"] == "100%":
            headline[f"tamper/{f['name']}"] = (f["value"].split(" ")[-1], "(100.0%)")
    assert any(k.startswith("tamper/bit flip") for k in headline), shown
    wrong = {k: v for k, (v, want) in headline.items() if v != want}
    failed = [f"{f['section']}/{f['name']}: {f['value']} (target {f['target']}) {f['note']}"
              for f in figures if not f["ok"]]
    assert not wrong and not failed and proc.returncode == 0, "\n".join(failed) + "\n" + shown
