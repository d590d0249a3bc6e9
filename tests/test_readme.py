"""The README's walkthrough runs as written (`sh -e`), from nothing, in a directory of its own."""
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def walkthrough() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- walkthrough -->\n```sh\n(.*?)\n```", text, re.S)
    assert match, "README.md has no ```sh block after <!-- walkthrough -->"
    return match.group(1)


def test_the_readme_walkthrough_runs_with_sh_e(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("ROTACTL_DIR", "ROTACTL_USER")}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["TMPDIR"] = str(tmp_path)
    env["ROTACTL_LANG"] = "zh"                  # the floor's language, as every preset sets it
    env.setdefault("GIT_AUTHOR_NAME", "walkthrough")
    result = subprocess.run(["sh", "-e", "-c", walkthrough()], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "已封存至  2026-11-02" in result.stdout                                    # the day was closed
    office = next(tmp_path.glob("*/shop"))
    assert (office.parent / "十一月.xlsx").is_file() or (office / "十一月.xlsx").is_file()
    assert (office / "分成.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "正常:" in result.stdout and "韩菊梅" in result.stdout
