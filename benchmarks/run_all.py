"""Runs every benchmark at its documented size and writes docs/benchmarks.md (`make bench`).

Each benchmark's full output goes into the file with the command that made it, its wall time,
the date and the machine. Lines a benchmark prints with `report.figure` become the summary table,
which is also copied into the README between its `benchmarks` markers, and each benchmark's figures
between its own `benchmark:NAME` markers: no figure is typed by hand.

    .venv/bin/python benchmarks/run_all.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

from report import PREFIX

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
README = ROOT / "README.md"
BEGIN, END = "<!-- benchmarks:begin -->", "<!-- benchmarks:end -->"

# (name, arguments after the script, what it answers): the documented size of each run.
BENCHMARKS: list[tuple[str, list[str], str]] = [
    ("prompt_planner", ["--repeat", "5"], "parse latency on one core and accuracy on the labelled corpora"),
    ("video_render", ["--seconds", "10"], "embedded renderer speed at 720p and 1080p"),
    ("audio_stage", ["--runs", "3"], "audio stage real-time factor and effect onset accuracy"),
    ("effect_levels", [], "how far timed effects stand over the mix on the blind depiction set, vs a flat mix"),
    ("voice_pitch", ["--seeds", "8"], "how close a cameo's rendered pitch comes to its owner's, short and long lines"),
    ("lipsync_assembly", [], "lipsync, mux, measurement and signing time by x264 preset"),
    (
        "extension_seam",
        ["--seeds", "2"],
        "colour, luminance and sound steps at an extension's seam over ordinary frame steps, old plan vs carried on",
    ),
    ("sync_accuracy", ["--seeds", "4"], "A/V offsets and unclear effects on the dialogue corpus, many seeds"),
    ("independent_lip_sync", [], "inspect --independent: speakers reading every audio shift within a frame"),
    ("enrollment_verification", [], "time to verify one 15 s 720p cameo recording"),
    (
        "enrollment_errors",
        ["--genuine", "300", "--clear", "100", "--attacks", "40"],
        "false reject and false accept rates of each cameo verification check",
    ),
    ("mesh_overhead", ["--runs", "3", "--duration", "4", "--resolution", "720p"], "mesh vs direct, and start-up"),
    ("watchers", ["--watchers", "500", "--calls", "200"], "SubmitJob and health p99 with 500 open WatchJob streams"),
    (
        "priority",
        # Without kept slots the p95 ratio is bounded by how many renders a stage runs at once (see the script's
        # docstring); 2 standard slots (this machine's cores) and 8 kept for a burst of 8 pro jobs.
        ["--jobs", "8", "--concurrency", "10", "--reserved-pro-slots", "8", "--partitions", "16"],
        "pro vs standard p95 queue wait with 8 pro and 8 standard jobs submitted at once, 10 in flight per stage "
        "of which 8 are kept for pro, vs all on one lane",
    ),
    (
        "soak",
        ["--jobs", "200", "--faults", "random"],
        "200 jobs on group mode, 2 replicas per stage and PostgreSQL under the fault matrix vs no faults",
    ),
]


def machine() -> str:
    model = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0))
    return f"{cores} cores ({model}), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def commit() -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return (found.stdout.strip() or "unknown") + (" with uncommitted changes" if dirty else "")


def run(name: str, args: list[str]) -> tuple[str, list[tuple[str, str]], float, int]:
    command = [sys.executable, f"benchmarks/{name}.py", *args]
    print(f"== {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    figures, lines = [], []
    for line in result.stdout.splitlines():
        if line.startswith(PREFIX):
            figure, _, value = line.removeprefix(PREFIX).partition(" | ")
            figures.append((figure.strip(), value.strip()))
        else:
            lines.append(line)
    output = "\n".join(lines).rstrip()
    if result.returncode != 0:
        output += f"\n\n[exit status {result.returncode}]\n" + result.stderr[-3000:]
    print(output[-1500:], flush=True)
    return output, figures, seconds, result.returncode


def summary_table(rows: list[tuple[str, str, str]]) -> str:
    lines = ["| benchmark | figure | value |", "|---|---|---|"]
    lines += [
        f"| [{bench}](docs/benchmarks.md#{bench}) | {_cell(figure)} | {_cell(value)} |" for bench, figure, value in rows
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="run only these benchmarks (the document keeps the others' output)")
    args = parser.parse_args()
    chosen = [b for b in BENCHMARKS if not args.only or b[0] in args.only]
    previous = _previous_sections()
    sections: dict[str, str] = {}
    rows: list[tuple[str, str, str]] = []
    failed = []
    for name, bench_args, about in BENCHMARKS:
        if (name, bench_args, about) not in chosen:
            if name in previous:
                sections[name], kept = previous[name]
                rows += [(name, f, v) for f, v in kept]
            continue
        output, figures, seconds, status = run(name, bench_args)
        if status:
            failed.append(name)
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        figure_lines = "".join(f"- **{f}:** {v}\n" for f, v in figures)
        command = " ".join(["benchmarks/" + name + ".py", *bench_args])
        sections[name] = (
            f"## {name}\n\n{about}.\n\n`.venv/bin/python {command}`\n\n"
            f"Run {when} on {machine()}, commit {commit()}; took {seconds:.0f} s.\n\n"
            f"{figure_lines}\n```\n{output}\n```\n"
        )
        rows += [(name, f, v) for f, v in figures]
    document = (
        "# Benchmarks\n\n"
        "Generated by `make bench` (`benchmarks/run_all.py`); do not edit by hand. Each section says when and on what\n"
        "machine it ran. Every ratio is against a baseline measured in the same run.\n\n"
        "## Summary\n\n"
        + summary_table(rows).replace("(docs/benchmarks.md#", "(#")
        + "\n\n"
        + "\n".join(sections[name] for name, _, _ in BENCHMARKS if name in sections)
    )
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(document, encoding="utf-8")
    readme = _fill(README.read_text(encoding="utf-8"), BEGIN, END, summary_table(rows))
    for name, _, _ in BENCHMARKS:
        figures = "\n".join(f"  - {f}: {v}" for bench, f, v in rows if bench == name)
        readme = _fill(readme, f"<!-- benchmark:{name}:begin -->", f"<!-- benchmark:{name}:end -->", figures)
    README.write_text(readme, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    sys.exit(1 if failed else 0)


def _fill(text: str, begin: str, end: str, content: str) -> str:
    """`text` with what stands between the `begin` and `end` markers replaced by `content` (if both are there)."""
    if begin not in text or end not in text:
        return text
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{content}\n{end}{tail}"


def _previous_sections() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """The sections (and their figures) of the current document, kept for benchmarks not rerun."""
    if not DOC.exists():
        return {}
    found: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    parts = re.split(r"(?m)^## ", DOC.read_text(encoding="utf-8"))
    for part in parts[1:]:
        name = part.split("\n", 1)[0].strip()
        if name == "Summary":
            continue
        figures = re.findall(r"(?m)^- \*\*(.+?):\*\* (.+)$", part)
        found[name] = ("## " + part.rstrip() + "\n", figures)
    return found


if __name__ == "__main__":
    main()
