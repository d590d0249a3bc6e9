"""`board`: the read-only floor board (轮排大屏), served over HTTP — its state, its routes, its refusals,
and a real headless Chromium that sees the next-up change without reloading the page."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest
from conftest import Office, open_floor

PHONE = re.compile(r"\d{11}")
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))    # never through a proxy of the machine


@contextmanager
def serving(path, *options, at="2026-11-02 09:30"):
    """`rotactl board --port 0` as a real process; yields (base URL, process); always stopped."""
    process = subprocess.Popen([sys.executable, "-m", "rotactl", "-C", str(path), "--at", at, *options,
                                "board", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        found = re.search(r"http://\S+/", line)
        assert found, (line, process.stderr.read() if process.poll() is not None else "")
        yield found.group(0), process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stdout.close()
        process.stderr.close()


def get(url, method="GET"):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, method=method)
    try:
        with DIRECT.open(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def state(base):
    status, headers, body = get(base + "state.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json"), body
    return json.loads(body)


def stopped_cleanly(process):
    process.terminate()
    assert process.wait(timeout=10) == 0
    assert process.stderr.read() == ""


def test_state_json_shows_what_next_shows_with_names_and_no_phone(tmp_path):
    office = open_floor(tmp_path)
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:00")
    office.ok("register", "--queue", "call", "--name", "李四", "--phone", "13900000002", at="2026-11-02 09:10")
    with serving(office.path) as (base, process):
        body = get(base + "state.json")[2].decode()
        board = json.loads(body)
        assert not PHONE.search(body) and "139" not in body and "张三" not in body   # no customer at all
        assert board["office"] and board["at"].startswith("2026-11-02 09:30") and board["date"] == "2026-11-02"
        for queue in board["queues"]:
            shown = office.ok("next", "--queue", queue["queue"], at="2026-11-02 09:30")
            assert queue["next"] == shown["next"] and queue["round"] == shown["round"]
            assert [{k: item[k] for k in ("staff", "status", "owed")} for item in queue["order"]] == shown["order"]
            names = {item["staff"]: item["name"] for item in queue["order"]}
            assert names == {"a": "销售a", "b": "销售b", "c": "销售c"}
        assert [q["queue"] for q in board["queues"]] == ["visit", "call"]
        assert board["queues"][0]["next"] == "b"
        today = {row["staff"]: row for row in board["today"]}
        report = {row["staff"]: row for row in office.ok("report", "day", at="2026-11-02 09:30")}
        fields = ("turns", "receptions", "makeups", "forfeits", "passes", "calls", "deals")
        assert {s: {f: r[f] for f in fields} for s, r in today.items()} == \
               {s: {f: report[s][f] for f in fields} for s in today}
        assert sum(row["receptions"] for row in today.values()) == 2 and today["a"]["name"] == "销售a"
        stopped_cleanly(process)


def test_each_person_shows_since_when_why_away_and_make_ups_owed(tmp_path):
    office = open_floor(tmp_path, "default", "a", "b", "c", "d", "e")
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:00")       # a busy
    office.ok("away", "b", "--reason", "official", at="2026-11-02 09:05")
    office.ok("register", "--name", "李四", "--phone", "13900000002", at="2026-11-02 09:10")       # b owed, c
    office.ok("check-out", "e", at="2026-11-02 09:15")
    office.ok("done", "c", at="2026-11-02 09:20")
    office.ok("staff", "add", "f", "--name", "销售f", at="2026-11-02 09:21")
    office.ok("staff", "suspend", "f", "--days", "2", "--reason", "迟到", at="2026-11-02 09:22")
    with serving(office.path, at="2026-11-02 09:30") as (base, process):
        visit = state(base)["queues"][0]
        people = {item["staff"]: item for item in visit["order"]}
        assert visit["next"] == "d"
        assert people["a"] | {"since": people["a"]["since"][:16]} == {
            "staff": "a", "name": "销售a", "status": "busy", "owed": 0, "since": "2026-11-02 09:00",
            "reason": None, "until": None}
        assert (people["b"]["status"], people["b"]["owed"], people["b"]["reason"], people["b"]["since"][:16]) == \
               ("away", 1, "official", "2026-11-02 09:05")
        assert (people["c"]["status"], people["c"]["since"][:16]) == ("available", "2026-11-02 09:20")
        assert (people["d"]["status"], people["d"]["since"][:16]) == ("available", "2026-11-02 08:30")
        assert (people["e"]["status"], people["e"]["since"][:16]) == ("off", "2026-11-02 09:15")
        assert (people["f"]["status"], people["f"]["since"], people["f"]["until"]) == ("suspended", None, "2026-11-04")
        stopped_cleanly(process)


def test_only_get_and_head_of_two_routes_and_a_self_contained_page(tmp_path):
    office = open_floor(tmp_path)
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:00")
    before = office.ledger_bytes()
    with serving(office.path) as (base, process):
        status, headers, page = get(base)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        text = page.decode()
        assert "轮排大屏" in text and "/state.json" in text and "连接中断" in text
        assert not re.search(r"(src|href)\s*=|https?://|@import|<link", text)    # no external asset
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert get(base, "HEAD")[:1] == (200,) and get(base, "HEAD")[2] == b""
        assert get(base + "state.json?again=1")[0] == 200
        for path in ("index.html", "state", "state.json/", "events", "../rotactl.toml", "ledger/2026-11/02.csv"):
            assert get(base + path)[0] == 404, path
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "WRITE"):
            status, headers, _ = get(base + "state.json", method)
            assert status == 405 and headers["Allow"] == "GET, HEAD", method
        stopped_cleanly(process)
    assert office.ledger_bytes() == before


def test_the_board_reads_neither_the_phone_index_nor_the_history(tmp_path):
    office = open_floor(tmp_path)
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:00")
    index = office.path / ".rotactl" / "index.sqlite"
    assert index.exists()
    index.unlink()
    with serving(office.path) as (base, process):
        for _ in range(3):
            assert state(base)["queues"][0]["next"] == "b"
        assert not index.exists()
        stopped_cleanly(process)


def test_an_unreadable_office_shows_as_an_error_on_the_board_and_recovers(tmp_path):
    office = open_floor(tmp_path)
    policy = office.path / "rotactl.toml"
    with serving(office.path) as (base, process):
        assert state(base)["queues"][0]["next"] == "a"
        policy.rename(office.path / "away.toml")
        status, _headers, body = get(base + "state.json")
        assert status == 503 and "not a rotactl office" in json.loads(body)["error"]
        (office.path / "away.toml").rename(policy)
        day = office.path / "ledger" / "2026-11" / "02.csv"
        good = day.read_bytes()
        day.write_bytes(good.replace(b',check-in,', b',check-inn,', 1))
        status, _headers, body = get(base + "state.json")
        assert status == 503 and "02.csv:" in json.loads(body)["error"] and "Traceback" not in body.decode()
        day.write_bytes(good)
        assert state(base)["queues"][0]["next"] == "a"
        stopped_cleanly(process)


def run_board(*args, timeout=30):
    return subprocess.run([sys.executable, "-m", "rotactl", *args], capture_output=True, text=True, timeout=timeout)


def test_refused_before_serving_a_missing_office_an_unsound_ledger_a_busy_port(tmp_path):
    missing = run_board("-C", str(tmp_path / "nowhere"), "board", "--port", "0")
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.startswith("error: ") and len(missing.stderr.splitlines()) == 1
    office = open_floor(tmp_path)
    day = office.path / "ledger" / "2026-11" / "02.csv"
    good = day.read_bytes()
    day.write_bytes(good.replace(b',check-in,', b',check-inn,', 1))
    unsound = run_board("-C", str(office.path), "--at", "2026-11-02 09:30", "board", "--port", "0")
    assert unsound.returncode == 3 and unsound.stdout == "" and "02.csv:" in unsound.stderr
    day.write_bytes(good)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = run_board("-C", str(office.path), "--at", "2026-11-02 09:30", "board",
                         "--port", str(taken.getsockname()[1]))
    assert busy.returncode == 1 and busy.stdout == "" and "--port" in busy.stderr
    assert len(busy.stderr.splitlines()) == 1 and "Traceback" not in busy.stderr
    assert run_board("-C", str(office.path), "board", "--port", "70000").returncode == 2


def test_ctrl_c_stops_the_board_with_exit_0_and_json_prints_the_url(tmp_path):
    office = open_floor(tmp_path)
    with serving(office.path, "--format", "json") as (_base, process):
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert process.stderr.read() == ""


# -- the page in a real browser ---------------------------------------------------------------------

def _chromium():
    """(browser, driver) of the machine's Chromium (Debian's `chromium` + `chromium-driver`), or None."""
    browser = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    driver = shutil.which("chromedriver") or next(
        (p for p in ("/usr/lib/chromium/chromedriver", "/usr/bin/chromedriver") if os.access(p, os.X_OK)), None)
    return (browser, driver) if browser and driver else None


@pytest.fixture
def browser(monkeypatch):
    found = _chromium()
    if found is None:
        pytest.skip("no browser for the board's browser test: chromium and chromedriver are not installed "
                    "(`make browser` as root installs them, or: apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is missing: pip install -e '.[test]'")
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")        # Selenium Manager must never try to download anything
    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--hide-scrollbars", "--window-size=1920,1080", "--lang=zh-CN", "--no-proxy-server"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=found[1]), options=options)
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
        yield driver
    finally:
        driver.quit()


def demo_floor(path) -> Office:
    """A showroom morning: two busy, one away on official business with a make-up coming, one next."""
    office = Office(path)
    office.ok("staff", "add", "m", "--name", "周杰", "--role", "manager", at="2026-11-02 07:00")
    for sid, name in (("han", "韩菊梅"), ("jiang", "蒋帅"), ("li", "李娜"), ("wang", "王强"), ("zhao", "赵敏")):
        office.ok("staff", "add", sid, "--name", name, at="2026-11-02 07:00")
    office.ok("check-in", "han", "jiang", "li", "wang", "zhao", at="2026-11-02 08:30")
    office.ok("register", "--name", "张三", "--phone", "13900000001", at="2026-11-02 09:00")      # han
    office.ok("register", "--queue", "call", "--name", "孙七", "--phone", "13900000006", at="2026-11-02 09:02")
    office.ok("away", "li", "--reason", "official", at="2026-11-02 09:05")
    office.ok("register", "--name", "李四", "--phone", "13900000002", at="2026-11-02 09:10")      # jiang
    return office


def test_the_page_shows_the_next_up_change_without_reloading(tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    office = demo_floor(tmp_path / "o")
    with serving(office.path, "--lang", "zh", at="2026-11-02 09:15") as (base, process):
        browser.get(base)
        wait = WebDriverWait(browser, 10, poll_frequency=0.2)
        visit = browser.find_element(By.ID, "q-visit")
        wait.until(lambda _: visit.get_attribute("data-next") == "wang")
        assert visit.find_element(By.CSS_SELECTOR, ".next .name").text == "王强"
        li = visit.find_element(By.CSS_SELECTOR, 'li[data-staff="li"]').text
        assert "外出·公事" in li and "自 09:05" in li
        browser.execute_script("window.notReloaded = true")

        office.ok("register", "--name", "王五", "--phone", "13900000003", at="2026-11-02 09:15")     # wang; li owed
        wait.until(lambda _: visit.get_attribute("data-next") == "zhao")
        assert visit.find_element(By.CSS_SELECTOR, ".next .name").text == "赵敏"
        assert browser.execute_script("return window.notReloaded") is True
        wait.until(lambda _: "补接 1" in visit.find_element(By.CSS_SELECTOR, 'li[data-staff="li"]').text)
        assert "接待中" in visit.find_element(By.CSS_SELECTOR, 'li[data-staff="wang"]').text
        body = browser.find_element(By.TAG_NAME, "body").text
        assert "来访" in body and "来电" in body and "今日" in body and not PHONE.search(body)
        assert "张三" not in body and "连接中断" not in body
        if os.environ.get("ROTACTL_BOARD_SCREENSHOT"):           # the closing note's picture
            browser.save_screenshot(os.environ["ROTACTL_BOARD_SCREENSHOT"])

        policy = office.path / "rotactl.toml"                    # the office cannot be read: said, then recovered
        policy.rename(office.path / "away.toml")
        alert = browser.find_element(By.ID, "alert")
        try:
            wait.until(lambda _: alert.is_displayed() and "连接中断" in alert.text)
        finally:
            (office.path / "away.toml").rename(policy)
        wait.until(lambda _: not alert.is_displayed())
        assert browser.execute_script("return window.notReloaded") is True
        stopped_cleanly(process)
