"""Output: `json` is the machine contract; `table` (CJK-aware) and `csv` are for people."""
from __future__ import annotations

import csv
import io
import json
import sys

HEADINGS = {
    "staff": "人员", "name": "姓名", "status": "状态", "owed": "补接", "turns": "轮次", "receptions": "接待",
    "makeups": "补接", "forfeits": "轮空", "passes": "让号", "calls": "来电", "deals": "成交",
    "conversion": "成交率", "fines": "罚款", "penalties": "处罚", "role": "角色", "team": "组",
    "id": "编号", "kind": "类型", "at": "时间", "actor": "操作人", "detail": "内容",
    "credited": "分成单数", "amount": "分成金额", "open": "争议中", "customer": "客户", "stage": "阶段",
    "unit": "房号", "closer": "成交人", "share": "比例%", "rule": "规则", "dispute": "争议",
    "claimants": "主张方", "proposal": "建议分成", "award": "裁决", "deadline": "期限",
}


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_cell(v) if not isinstance(v, dict) else ":".join(map(str, v.values())) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def table(rows: list[dict], columns: list[str] | None = None, zh: bool = True) -> str:
    from tabulate import tabulate  # imported where used: keeps start-up light

    if not rows:
        return "(无)" if zh else "(none)"
    columns = columns or list(rows[0])
    headers = [HEADINGS.get(c, c) if zh else c for c in columns]
    return tabulate([[_cell(r.get(c)) for c in columns] for r in rows], headers=headers)


def pairs(data: dict, zh: bool = True) -> str:
    from tabulate import tabulate

    return tabulate([[k, _cell(v)] for k, v in data.items()], tablefmt="plain")


def emit(data, fmt: str, columns: list[str] | None = None, title: str = "", zh: bool = True) -> None:
    if fmt == "json":
        if isinstance(data, list):   # one element per line: readable, and the C encoder for long lists
            body = ",\n".join(json.dumps(item, ensure_ascii=False) for item in data)
            sys.stdout.write(f"[\n{body}\n]\n" if data else "[]\n")
        else:
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return
    if fmt == "csv":
        rows = data if isinstance(data, list) else [data]
        buf = io.StringIO()
        if rows:
            cols = columns or list(rows[0])
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(cols)
            for row in rows:
                writer.writerow([_cell(row.get(c)) for c in cols])
        sys.stdout.write(buf.getvalue())
        return
    if title:
        sys.stdout.write(title + "\n")
    text = table(data, columns, zh) if isinstance(data, list) else pairs(data, zh)
    sys.stdout.write(text + "\n")
