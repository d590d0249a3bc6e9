"""Refusals in the office's language. The code raises its refusals in English (the one spelling the
tests and the log of a bug report share); when the output language is Chinese, the CLI prints them
through this catalogue: each English message, as a pattern, with its Chinese wording. A message the
catalogue does not know is printed as raised."""
from __future__ import annotations

import errno
import os
import re

from rotactl.core.errors import RotactlError

_C = r"(.+?)"
CATALOGUE: list[tuple[str, str]] = [
    # the office and its files
    (r"(.+) is not a rotactl office \(no rotactl\.toml\); create one with `rotactl init DIR`",
     r"\1 不是 rotactl 售楼处目录(没有 rotactl.toml);用 `rotactl init DIR` 新建"),
    (r"(.+) already holds an office \(rotactl\.toml exists\)", r"\1 已经是一个售楼处目录(已有 rotactl.toml)"),
    (r"unknown preset '(.+)' \(one of (.+)\)", r"没有预设 '\1'(可选:\2)"),
    (r"git init failed \((.+)\); use --no-git to skip it", r"git init 失败(\1);可用 --no-git 跳过"),
    (r"(\S+) is closed \(rollover sealed it through (\S+)\); record a correction as a new entry today instead",
     r"\1 已日结(封存至 \2);请在今天记一条更正记录"),
    (r"(\S+) is not over yet \(it is (.+)\)", r"\1 还没有结束(现在是 \2)"),
    (r"(.+) is before (\S+) (\S+) at (.+), a turn decided since: a back-dated (\S+) would change it; record it at "
     r"(.+) or later", r"\1 早于 \4 的 \2 \3(之后已决定过轮次):补记的 \5 会改变它;请记在 \6 或之后"),
    (r"git is busy \((.+)\): nothing was written; if no git command is running, it was left by one that was "
     r"interrupted: remove (.+) and try again",
     r"git 正忙(\1 存在):什么也没有写;若没有 git 命令在运行,它是被中断的命令留下的:删除 \2 后重试"),
    (r"the entry is written but git could not (stage|commit) it(.*); do not repeat the command: the next command "
     r"commits it", r"记录已写入,但 git 未能提交\2;请勿重复该命令:下一条命令会提交它"),
    # the office key and the ledger format
    (r"(.+) is in ledger format (\d+), with phone numbers in clear text: convert it with `rotactl migrate (.+) NEW-DIR` "
     r"\(docs/ledger-format\.md\)", r"\1 是第 \2 版账本格式,电话号码为明文:请用 `rotactl migrate \3 新目录` 转换"
     r"(见 docs/ledger-format.md)"),
    (r"no key for office (\S+) on this machine \((.+)\): phones can be neither matched nor revealed; on a machine "
     r"that has it run `rotactl key export > FILE`, carry the file over privately, then `rotactl key import FILE` here",
     r"本机没有售楼处 \1 的密钥(\2):无法比对或显示电话号码;请在有密钥的电脑上运行 `rotactl key export > 文件`,"
     r"私下带到本机后运行 `rotactl key import 文件`"),
    (r"this clone holds only the matching key of office (\S+): phones can be matched but neither written nor "
     r"revealed; import the full key with `rotactl key import FILE`",
     r"本机只有售楼处 \1 的比对密钥:可以比对号码,但不能写入或显示号码;请用 `rotactl key import 文件` 导入完整密钥"),
    (r"(.+?): cannot read the key \((.+)\)", r"\1:无法读取密钥(\2)"),
    (r"(.+?) is the key of office (\S+), not of this office \((.+)\)", r"\1 是售楼处 \2 的密钥,不是本售楼处(\3)的"),
    (r"(.+?): its (matching|encryption) key is not this office's \(the check value differs\)",
     r"\1:其中的密钥不属于本售楼处(校验值不符)"),
    (r"(.+?) already holds a key: move it away first \(it may be the only copy\)",
     r"\1 已有密钥:请先把它移开(它可能是唯一的一份)"),
    (r"(.+?): not a rotactl key file \((.+)\)", r"\1 不是 rotactl 密钥文件(\2)"),
    (r"(.+?) is already in ledger format (\d+)", r"\1 已经是第 \2 版账本格式"),
    (r"(.+?) is not empty: name a new directory", r"\1 不是空目录:请给一个新目录"),
    (r"(.+?) does not pass `rotactl check` \((.+)\); mend it first: nothing was migrated",
     r"\1 未通过 `rotactl check`(\2);请先修复:没有迁移任何内容"),
    (r"no encrypted number is stored for (.+)", r"没有存储 \1 的加密号码"),
    (r"(\S+): a phone number inside the text: give a phone in its own option \(it is stored encrypted\), never in a "
     r"name or a note", r"\1:文字里有电话号码:电话请用专门的选项填写(加密保存),不要写进姓名或备注"),
    # who acts
    (r"only a manager may do this; '(.+)' is not a manager on the roster \(--as\)",
     r"只有经理可以这样做;'\1' 不是名册上的经理(--as)"),
    (r"'(.+)' is not on the roster nor a desk account \((.+)\); say who you are with --as",
     r"'\1' 不在名册上,也不是前台账号(\2);请用 --as 说明你是谁"),
    (r"'(.+)' has left and may no longer record entries \(--as\)", r"'\1' 已离职,不能再记录(--as)"),
    (r"nobody is on the roster at (.+?): add staff first.*", r"\1 时名册上还没有人:请先 staff add(或检查 --at)"),
    (r"unknown staff '(.+)': nobody is on the roster at (.+?) .*", r"没有人员 '\1':\2 时名册上还没有人(--at 是否早于第一次 staff add?)"),
    (r"unknown staff '(.+)'", r"没有人员 '\1'"),
    (r"(\S+) has left", r"\1 已离职"),
    (r"(\S+) is not in the rotation \((.+)\)", r"\1 不在轮排中(\2)"),
    (r"staff '(.+)' already exists \((.+)\)", r"人员 '\1' 已存在(\2)"),
    (r"staff id '(.+)' may not contain spaces or any of .*", r"人员编号 '\1' 不能含空格或 : | , ; = \\"),
    # the desk
    (r"already checked in: (.+)", r"已签到:\1"),
    (r"the same person is named twice", r"同一人写了两次"),
    (r"(\S+) is not checked in", r"\1 没有签到"),
    (r"(\S+) is already away \((.+)\)", r"\1 已经离开接待台(\2)"),
    (r"(\S+) is not away", r"\1 没有离开接待台"),
    (r"(\S+) is not receiving anyone", r"\1 没有在接待"),
    (r"only the next-up can pass; the next-up is (.+)", r"只有轮到的人可以让号;现在轮到 \1"),
    (r"nobody can take the lead \((.*)\); a manager may assign one with --to", r"没有人可以接待(\1);经理可用 --to 指定"),
    (r"nobody can take the lead \((.*)\)", r"没有人可以接待(\1)"),
    (r"(\S+) is over; a free day is declared on it or before it", r"\1 已过;自由接待日要在当天或之前宣布"),
    (r"(\S+) is already a free day", r"\1 已是自由接待日"),
    (r"no reception of (.+) today", r"今天没有 \1 的接待"),
    (r"that reception is over; hand over only during it", r"该接待已结束;只能在接待中交还"),
    (r"(\S+) is already receiving that customer", r"\1 已在接待这位客户"),
    (r"the reception began at (\S+), more than (\d+) minutes ago: too late to hand back \(ATT-RECOGNISED\); (\S+) "
     r"keeps the customer and the dispute rules apply",
     r"接待从 \1 开始,已超过 \2 分钟:不能再交还(ATT-RECOGNISED);客户留给 \3,按撞单规则处理"),
    # customers, deals, disputes
    (r"no customer with phone (.+) is registered", r"没有登记过电话为 \1 的客户"),
    (r"a customer cannot be linked to themselves", r"客户不能与自己关联"),
    (r"--family-of and --relation go together", r"--family-of 与 --relation 须同时给出"),
    (r"'(.+)' is neither a salesperson on the roster nor an agency that reported",
     r"'\1' 既不是名册上的销售,也不是报备过的分销公司"),
    (r"duplicate deal: this customer's (\S+) of unit (.+) is already recorded as (\S+) at (.+); to correct it, "
     r"void that entry and record a new one", r"重复成交:该客户 \2 的 \1 已记录为 \3(\4);如需更正,请作废那条记录后重新登记"),
    (r"dispute (\S+) was already ruled by (\S+) on (.+); a ruling is final \(DSP-FINAL\)",
     r"争议 \1 已由 \2 于 \3 裁决;裁决为终局(DSP-FINAL)"),
    (r"'(.+)' is not a party to (\S+) \((.*)\)", r"'\1' 不是争议 \2 的当事方(\3)"),
    (r"no dispute (\S+) \(see `rotactl disputes --all`\)", r"没有争议 \1(见 `rotactl disputes --all`)"),
    (r"give either --award PARTY=PCT \(repeatable\) or --house", r"请给出 --award 当事方=百分比(可重复)或 --house"),
    (r"the awards sum to (\d+), not 100", r"裁决比例合计为 \1,不是 100"),
    (r"--award (.+): expected PARTY=PCT, e\.g\. a=60", r"--award \1:应为 当事方=百分比,例如 a=60"),
    (r"--award names (.+) twice", r"--award 两次给出 \1"),
    (r"(.+) must be a non-negative number of yuan with at most 2 decimals.*, not (.+)",
     r"\1 须为不带分隔符的非负元数,最多两位小数(例如 1280000 或 2345678.90),而不是 \2"),
    (r"(.+) must not be empty", r"\1 不能为空"),
    # policy
    (r"(\S+) is already (.+)", r"\1 已经是 \2"),
    (r"(\S+): unknown policy key '(.+)' .*", r"\1:没有设置项 '\2'(格式 SECTION.KEY,见 `rotactl policy show`)"),
    # dates and phones
    (r"(\S+) '(.+)': expected \"YYYY-MM-DD HH:MM\"", r"\1 '\2':应为 \"YYYY-MM-DD HH:MM\""),
    (r"(\S+) '(.+)': no such date or time", r"\1 '\2':没有这个日期或时间"),
    (r"(\S+) '(.+)': expected YYYY-MM-DD", r"\1 '\2':应为 YYYY-MM-DD"),
    (r"(.+): the phone number is empty", r"\1:电话号码为空"),
    (r"(.+): '(.+)' is not a valid phone number for region (\S+)", r"\1:'\2' 不是 \3 的有效电话号码"),
    (r"(.+): '(.+)' is not a phone number.*", r"\1:'\2' 不是电话号码"),
    (r"(.+): not a phone number \(no digits\)", r"\1:不是电话号码(没有数字)"),
    (r"this office signs manager entries .*", r"本售楼处的经理记录需签名:请把 ROTACTL_SIGNING_KEY 设为你的 SSH 密钥文件"),
    (r"interrupted", r"已中断"),
    # corrections
    (r"no entry (\S+) in the ledger", r"账本中没有记录 \1"),
    (r"(\S+) is a (\S+): it cannot be voided", r"\1 是一条 \2 记录:不能作废"),
    (r"(\S+) is already void", r"\1 已作废"),
    (r"(\S+) is not closed: there is nothing to accept", r"\1 尚未日结:没有可接受的合并记录"),
    (r"no entries were added to (\S+) or later closed days after they were sealed",
     r"\1 及之后已日结的日期在封存后没有新增记录"),
    # the command line
    (r"(.+): line breaks are not allowed \((.+)\)", r"\1:不能含换行(\2)"),
    (r"(.+): not valid UTF-8", r"\1:不是有效的 UTF-8 文本"),
    (r"(.+): NUL characters are not allowed", r"\1:不能含 NUL 字符"),
    (r"(.+): control characters are not allowed \((.+)\)", r"\1:不能含控制字符(\2)"),
    (r"(.+): bidirectional control characters are not allowed \((.+)\)", r"\1:不能含双向控制字符(\2)"),
    (r"say which penalty: --half-rotation", r"请说明处罚方式:--half-rotation"),
    (r"--manager and --name go together: the first manager's id and name",
     r"--manager 与 --name 须同时给出:第一位经理的编号和姓名"),
    (r"--output (.+): a workbook's name ends in \.xlsx", r"--output \1:工作簿文件名须以 .xlsx 结尾"),
    (r"--ssh-key: (.+)", r"--ssh-key:\1"),
    (r"(.+) is too large \(at most 15 digits before the point\)", r"\1 太大(整数部分最多 15 位)"),
    (r"(.+): '(.+)' is neither a phone number nor a masked one .*",
     r"\1:'\2' 既不是电话号码也不是隐号(前3后4,如 139****0001;或前4后5,如 1390**00001)"),
    (r"cannot sign the entry: (.+)", r"无法为记录签名:\1"),
    (r"git (\S+) failed(.*)", r"git \1 失败\2"),
]
CATALOGUE += [   # why, simulate, report fairness
    (r"no entry (\S+) in this office", r"本售楼处没有记录 \1"),
    (r"(\S+) is a (\S+) entry: it decided no receiver, so there is no decision to explain \(why explains register, "
     r"pass and handover entries, or a customer's phone\)",
     r"\1 是一条 \2 记录:它没有决定接待人,没有可解释的决定(why 解释登记、让号、交还记录,或一个客户电话)"),
    (r"--since (\S+) is after --until (\S+)", r"--since \1 晚于 --until \2"),
]

_COMPILED: list = []     # compiled on the first refusal to translate, not at every start-up


def translate(message: str, zh: bool) -> str:
    """The refusal in the output's language (unknown messages as they are)."""
    if not zh:
        return message
    if not _COMPILED:
        _COMPILED.extend((re.compile(pattern, re.S), chinese) for pattern, chinese in CATALOGUE)
    for pattern, chinese in _COMPILED:
        match = pattern.fullmatch(message)
        if match:
            return match.expand(chinese)
    return message


_PHONE_RUN = re.compile(r"(?<![\w*])\d{11,}(?![\w*])")


def speaks_chinese(ctx) -> bool:
    """The language of a refusal: --lang, else the office's, else Chinese (every preset's)."""
    env = ctx.obj
    if env is None:                          # refused before the global options were read
        return os.environ.get("ROTACTL_LANG", "zh") != "en"
    if env.lang:
        return env.lang == "zh"
    try:
        return env.zh
    except RotactlError:
        return True


def without_phones(message: str) -> str:
    """A refusal never echoes a full phone number (SPEC §4: masked everywhere), even one typed where
    an entry or dispute id was expected: a run of 11+ digits shows as its mask, 139****0001."""
    return _PHONE_RUN.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 7) + m[0][-4:], message)


def os_problem(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    text = f"{where}{exc.strerror or exc}"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        text += " (this user may not write there: a read-only office answers reading commands only)"
    return text
