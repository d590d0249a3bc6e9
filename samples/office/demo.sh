#!/bin/sh
# A short scripted showroom day on the default preset, ending with the
# next-up table, the day report and the log. Usage: demo.sh OFFICE_DIR
set -eu
dir=${1:-ledgers}
r=${ROTACTL:-rotactl}
day=2026-11-02
here=$(dirname "$0")
if [ ! -f "$dir/rotactl.toml" ]; then
  $r init "$dir" --preset default --office-name "示例售楼处" --no-git
  tail -n +2 "$here/staff.csv" | while IFS=, read -r id name role team; do
    $r -C "$dir" --at "$day 07:00" --as zhou staff add "$id" --name "$name" --role "$role" ${team:+--team "$team"} >/dev/null
  done
fi
if [ -n "$($r -C "$dir" --at "$day 08:00" --format csv log --since $day --kind check-in)" ]; then
  echo "(the demo day is already in $dir; showing it again)"
else
  x() { t=$1; shift; $r -C "$dir" --at "$day $t" --as qin "$@" >/dev/null; }
  x 08:50 check-in han jiang li wang
  x 09:05 register --name 张三 --phone 13900000001 --intent 九十平三房
  x 09:20 register --name 李四 --phone 13900000002 --party 3
  x 09:25 away li --reason official
  x 09:30 done jiang
  x 09:40 register --name 王五 --phone 13900000003
  x 10:10 done han
  x 10:15 back li
  x 10:18 register --name 陈八 --phone 13900000007
  x 10:20 register --name 推销员 --kind vendor
  x 10:30 done han
  x 10:40 register --name 赵六 --phone 13900000004 --for jiang
  x 11:00 done wang
  x 11:05 register --name 李梅 --phone 13900000005 --family-of 13900000001 --relation spouse
  x 11:10 done li
  x 11:30 pass li
  x 11:40 register --queue call --name 孙七 --phone 13900000006
  x 14:00 follow-up 13900000002 --by jiang --note 电话回访,周末带父母来
  x 15:00 deal 13900000001 --by han --stage deposit --unit 3-1502 --amount 1280000
fi
echo "== next (16:00)"; $r -C "$dir" --at "$day 16:00" next
echo; echo "== report day"; $r -C "$dir" --at "$day 16:00" report day
echo; echo "== log"; $r -C "$dir" --at "$day 16:00" log
