#!/usr/bin/env python3
"""Held-out measurement of the directory importer, through its command line only.

Feeds and expectations: tests/import_heldout/ (real public peer data moved to the UK;
expectations state what the spec and peers -- tsml-ui, the 12 Step Meeting List plugin,
bmlt-server, HSDS -- do, never what our importer does).

    .venv/bin/python scripts/import_eval.py [--show] [--bin PATH]

Each feed is imported into a fresh temporary SQLite database
(`recovery-bot directory import FILE --skip-invalid`, `--format X` only if auto-detection
fails), read back with `recovery-bot directory export OUT.csv --format csv`, and compared.
A format the CLI does not know counts as 0 accepted and is reported, never a crash.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELD = ROOT / "tests" / "import_heldout"
DEFAULT_BIN = ROOT / ".venv" / "bin" / "recovery-bot"
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FIELDS = ["days", "time", "attendance", "active", "open_closed", "languages", "needs"]


class Runner:
    def __init__(self, binary: Path, tmp: Path) -> None:
        self.bin = str(binary)
        self.tmp = tmp
        self.n = 0

    def fresh_env(self, load_demo: str | None = "false") -> dict:
        self.n += 1
        env = dict(os.environ)
        env["DATABASE_URL"] = f"sqlite:///{self.tmp}/eval_{self.n}.db"
        if load_demo is None:
            env.pop("LOAD_DEMO", None)
        else:
            env["LOAD_DEMO"] = load_demo
        return env

    def run(self, args: list[str], env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(
                [self.bin, *args], env=env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as exc:
            return subprocess.CompletedProcess(
                args, 124, exc.stdout or "", f"timeout after {timeout}s"
            )

    def import_and_export(self, feed: Path, fmt: str | None) -> tuple[list[dict], str]:
        """Import FEED into a fresh DB; return the stored rows and a note on what happened."""
        env = self.fresh_env()
        note = ""
        res = self.run(["directory", "import", str(feed), "--skip-invalid"], env)
        created = re.search(r"(\d+) were created", res.stdout + res.stderr)
        if fmt and (res.returncode != 0 or (created and created.group(1) == "0")):
            res2 = self.run(
                ["directory", "import", str(feed), "--skip-invalid", "--format", fmt], env
            )
            if res2.returncode == 2 and (
                "invalid choice" in res2.stderr or "argument" in res2.stderr
            ):
                return [], f"format '{fmt}' not supported by the CLI (auto: rc={res.returncode})"
            res = res2
            note = f"--format {fmt}; "
        note += f"rc={res.returncode}; " + (res.stdout.strip().splitlines() or [""])[0][:120]
        out = self.tmp / f"export_{self.n}.csv"
        exp = self.run(["directory", "export", str(out), "--format", "csv"], env)
        if exp.returncode != 0 or not out.exists():
            return [], note + f"; export failed rc={exp.returncode}: {exp.stderr.strip()[:200]}"
        with out.open(encoding="utf-8-sig", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if (r.get("is_demo") or "no") != "yes"]
        return rows, note


def stored_days(v: str) -> list[str] | None:
    if not v:
        return None
    out = []
    for p in re.split(r"[;,]", v):
        p = p.strip()
        if not p:
            continue
        if p.isdigit():
            out.append(DAY_NAMES[int(p) % 7])
        else:
            hit = [d for d in DAY_NAMES if d.lower().startswith(p.lower()[:3])]
            out.append(hit[0] if hit else p)
    return out


def stored_value(row: dict, field: str):
    if field == "days":
        return stored_days(row.get("days", ""))
    if field == "time":
        return (row.get("start_time") or "")[:5] or None
    if field == "attendance":
        return row.get("attendance") or None
    if field == "active":
        return (row.get("status") or "active") == "active"
    if field == "open_closed":
        aud = set(filter(None, (row.get("audience") or "").split(";")))
        return "closed" if "closed" in aud else "open" if "open" in aud else None
    if field == "languages":
        return sorted(filter(None, (row.get("languages") or "").split(";")))
    if field == "needs":
        return sorted(filter(None, (row.get("needs") or "").split(";")))
    return None


def agrees(field: str, expected, got) -> bool:
    if field == "days":
        if expected is None:
            return not got

        def order(d: str) -> int:
            return DAY_NAMES.index(d) if d in DAY_NAMES else 9

        return sorted(expected, key=order) == sorted(got or [], key=order)
    if field == "languages":
        return set(expected) <= set(got or [])
    if field == "needs":
        return set(expected) <= set(got or [])
    return expected == got


def find_rows(rows: list[dict], rec: dict, match: str) -> list[dict]:
    key = str(rec["key"])
    if match == "slug":
        hit = [r for r in rows if r["slug"] == key]
        if not hit:  # a day list may be split into one listing a day, as tsml-ui does
            hit = [r for r in rows if re.fullmatch(re.escape(key) + r"-\d", r["slug"])]
        if not hit and rec.get("name"):
            hit = [r for r in rows if r["name"] == rec["name"]]
        return hit
    if match == "id":
        hit = [
            r
            for r in rows
            if r["slug"] == key
            or r["slug"].endswith("-" + key)
            or re.search(rf"(^|\D){key}(\D|$)", r["slug"])
        ]
        if not hit and rec.get("name"):
            same = [r for r in rows if r["name"] == rec["name"]]
            hit = same if len(same) == 1 else []
        return hit
    return [r for r in rows if r["name"] == key]


class Tally:
    def __init__(self) -> None:
        self.acc_ok = self.acc_n = self.ref_ok = self.ref_n = 0
        self.fields: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.misses: list[str] = []

    def add(self, other: Tally) -> None:
        self.acc_ok += other.acc_ok
        self.acc_n += other.acc_n
        self.ref_ok += other.ref_ok
        self.ref_n += other.ref_n
        for f, (a, b) in other.fields.items():
            self.fields[f][0] += a
            self.fields[f][1] += b
        self.misses.extend(other.misses)


def judge(feed_name: str, rows: list[dict], spec: dict) -> Tally:
    t = Tally()
    for rec in spec["records"]:
        hit = find_rows(rows, rec, spec.get("match", "slug"))
        label = f"{feed_name} [{rec['key']}]"
        if rec["accept"]:
            t.acc_n += 1
            if not hit:
                t.misses.append(
                    f"{label}: refused, peers accept ({rec['why'].get('accept', '')[:90]})"
                )
                continue
            t.acc_ok += 1
            for f in FIELDS:
                if f not in rec:
                    continue
                got = stored_value(hit[0], f)
                if f == "days" and len(hit) > 1:
                    got = [d for h in hit for d in (stored_value(h, "days") or [])]
                ok = agrees(f, rec[f], got)
                t.fields[f][1] += 1
                t.fields[f][0] += ok
                if not ok:
                    t.misses.append(
                        f"{label}: {f} expected {rec[f]!r}, stored {got!r}"
                        f" -- {rec['why'].get(f, '')[:100]}"
                    )
        else:
            t.ref_n += 1
            if hit:
                t.misses.append(
                    f"{label}: stored, peers/UK scope refuse ({rec['why'].get('accept', '')[:90]})"
                )
            else:
                t.ref_ok += 1
    return t


def print_tally(name: str, t: Tally, note: str = "") -> None:
    print(f"\n== {name}  {note}")
    print(
        f"   accepted {t.acc_ok} of {t.acc_n} meetings the peers accept;"
        f" refused {t.ref_ok} of {t.ref_n} they refuse"
    )
    if t.fields:
        print("   fields: " + ", ".join(f"{f} {a}/{b}" for f, (a, b) in sorted(t.fields.items())))


def run_feeds(r: Runner, expected: dict, show: bool) -> Tally:
    total = Tally()
    for rel, spec in expected["feeds"].items():
        path = HELD / rel
        rows, note = r.import_and_export(path, spec.get("format"))
        t = judge(rel, rows, spec)
        print_tally(rel, t, f"({note})")
        if show:
            for m in t.misses:
                print("     miss:", m)
        total.add(t)
    return total


def run_peer_cases(r: Runner, show: bool) -> tuple[int, int, list[str]]:
    data = json.loads((HELD / "peer_cases.json").read_text(encoding="utf-8"))
    groups: dict[str, list[dict]] = defaultdict(list)
    for c in data["cases"]:
        key = c["id"] if c.get("isolated") else f"batch-{c.get('format') or 'mg'}"
        groups[key].append(c)
    agree, misses = 0, []
    for gkey, cases in groups.items():
        fmt = cases[0].get("format")
        records = [rec for c in cases for rec in c["records"]]
        path = r.tmp / f"peer_{gkey}.json"
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        rows, note = r.import_and_export(path, fmt)
        for c in cases:
            recs = c["records"]
            first = recs[0]
            key = first.get("slug", first.get("id"))
            name = first.get("name")
            if key is not None:
                hit = [row for row in rows if row["slug"] == str(key)] or [
                    row for row in rows if re.fullmatch(re.escape(str(key)) + r"-\d", row["slug"])
                ]
            else:
                hit = []
            if not hit and name:
                hit = [row for row in rows if row["name"] == name]
            exp = c["expected"]
            bad = []
            if bool(hit) != exp["accept"]:
                bad.append(f"accept expected {exp['accept']}, got {bool(hit)}")
            elif hit:
                for f in FIELDS:
                    if f in exp:
                        got = stored_value(hit[0], f)
                        if f == "days" and len(hit) > 1:
                            got = [d for h in hit for d in (stored_value(h, "days") or [])]
                        if not agrees(f, exp[f], got):
                            bad.append(f"{f} expected {exp[f]!r}, got {got!r}")
            if bad:
                misses.append(
                    f"{c['id']} ({c['description']}): " + "; ".join(bad) + f" -- {c['why'][:110]}"
                )
            else:
                agree += 1
    total = len(data["cases"])
    print(f"\n== peer behaviour cases: {agree} of {total} agree")
    if show:
        for m in misses:
            print("     miss:", m)
    return agree, total, misses


def run_ranking(r: Runner, expected: dict, show: bool) -> dict:
    rk = expected["ranking"]
    feed = HELD / rk["feed"]
    results = {}
    for label, demo in (("LOAD_DEMO default (true)", None), ("LOAD_DEMO=false", "false")):
        env = r.fresh_env(demo)
        res = r.run(["directory", "import", str(feed), "--skip-invalid"], env)
        imported = (res.stdout.strip().splitlines() or [""])[0]
        right, misses = 0, []
        for q in rk["queries"]:
            s = r.run(
                ["directory", "search", q["query"], "--json", "--limit", "3"], env, timeout=60
            )
            first = None
            top = []
            try:
                items = json.loads(s.stdout) if s.returncode == 0 else []
                top = [i.get("slug") for i in items]
                first = top[0] if top else None
            except json.JSONDecodeError:
                pass
            if first == q["first"]:
                right += 1
            else:
                why = (
                    s.stderr.strip().splitlines()[-1][:100]
                    if s.returncode != 0 and s.stderr.strip()
                    else ""
                )
                misses.append(
                    f"'{q['query']}': expected {q['first']}, got {top}"
                    + (f" rc={s.returncode} {why}" if s.returncode else "")
                )
        n = len(rk["queries"])
        print(f"\n== ranking ({label}; import: {imported}): right first result {right} of {n}")
        if show:
            for m in misses:
                print("     miss:", m)
        results[label] = (right, n)
    return results


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--show", action="store_true", help="list every miss")
    ap.add_argument("--bin", default=str(DEFAULT_BIN), help="the recovery-bot executable")
    args = ap.parse_args()
    expected = json.loads((HELD / "expected.json").read_text(encoding="utf-8"))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="import_eval_") as tmp:
        r = Runner(Path(args.bin), Path(tmp))
        total = run_feeds(r, expected, args.show)
        agree, n_cases, _ = run_peer_cases(r, args.show)
        ranking = run_ranking(r, expected, args.show)
    print("\n== TOTAL")
    print(f"   accepted {total.acc_ok} of {total.acc_n} meetings the peers accept")
    print(f"   refused {total.ref_ok} of {total.ref_n} they refuse")
    for f, (a, b) in sorted(total.fields.items()):
        print(f"   field {f}: {a} of {b} agree")
    print(f"   peer cases agreeing {agree} of {n_cases}")
    for label, (a, b) in ranking.items():
        print(f"   ranking ({label}): right first result {a} of {b}")
    print(f"   ({time.monotonic() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
