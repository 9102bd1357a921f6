"""The playground's performance targets, measured in the system's headless Chromium against the real server.

    python benchmarks/playground_bench.py                 # 2 minutes of training for the memory trend
    python benchmarks/playground_bench.py --minutes 10    # the full ten minutes

Targets (issue 13), on 2 cores:
- first paint under 1 s after ``chainrule playground`` prints its URL (Chromium already running,
  as a learner's browser is; the page loads, connects, gets the run and paints its first frame);
- at least 30 updates per second of the decision boundary (100 × 100 grid) and the cost curve
  while the flower trains, counted as frames the page actually drew (``window.playground.frames``),
  at 1, 10 (the page's default) and 100 epochs per frame; with the CPU milliseconds each frame cost
  the server and the browser, which say what a machine shared with other work cannot: 2 cores
  keep 30 frames a second when server + browser need less than 2 × 33 ms a frame (and each less
  than 33 ms);
- the server's memory (VmRSS of its process) flat over the run: the slope of a line fitted to the
  second half of the samples, in MiB per minute.

Writes benchmarks/results/playground.json. Needs chainrule[playground], Playwright and Chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from playground_browser import chromium, server, why_no_browser

RESULTS = Path(__file__).resolve().parent / "results" / "playground.json"


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as file:
                fields = file.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def browser_pids() -> list[int]:
    """The Chromium processes of this benchmark's profile (chainrule-chromium-… in their command line)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as file:
                    if b"chainrule-chromium-" in file.read():
                        pids.append(int(entry))
            except OSError:
                pass
    return pids


def frames_per_second(page, speed: int, seconds: float, server_pid: int) -> dict:
    """Frames drawn per second while playing at ``speed`` epochs per frame, the epochs trained meanwhile, and the CPU
    milliseconds each frame cost the server and the browser (what a machine to itself would have to spend)."""
    page.select_option("#speed", str(speed))
    if not page.evaluate("window.playground.state.playing"):
        page.click("#play")
    time.sleep(1.0)  # settle
    browsers = browser_pids()
    f0, e0, t0 = page.evaluate("window.playground.frames"), page.evaluate("window.playground.state.frame.epoch"), time.perf_counter()
    s0, b0 = cpu_seconds([server_pid]), cpu_seconds(browsers)
    time.sleep(seconds)
    f1, e1, t1 = page.evaluate("window.playground.frames"), page.evaluate("window.playground.state.frame.epoch"), time.perf_counter()
    s1, b1 = cpu_seconds([server_pid]), cpu_seconds(browsers)
    frames = max(f1 - f0, 1)
    return {"frames_per_second": (f1 - f0) / (t1 - t0), "epochs_per_second": (e1 - e0) / (t1 - t0),
            "server_cpu_ms_per_frame": 1e3 * (s1 - s0) / frames, "browser_cpu_ms_per_frame": 1e3 * (b1 - b0) / frames,
            "load_average": os.getloadavg()[0]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2.0, help="training time for the memory trend (target: 10)")
    parser.add_argument("--rate-seconds", type=float, default=10.0, help="seconds of each frame-rate measurement")
    args = parser.parse_args()
    missing = why_no_browser()
    if missing:
        sys.exit(f"cannot run the benchmark: {missing}")
    results: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} logical cores (shared)", "python": platform.python_version()}
    with chromium() as browser:
        page = browser.new_page()
        page.goto("about:blank")
        with server() as (url, printed_after, process):
            t_url = time.perf_counter()
            page.goto(url)
            page.wait_for_function("window.playground.firstPaint !== null")
            first_paint = time.perf_counter() - t_url
            results["url_printed_s"] = printed_after
            results["first_paint_after_url_s"] = first_paint
            print(f"URL printed {printed_after:.2f} s after the start; first paint {first_paint:.3f} s after the URL (target < 1 s)")
            rates = {}
            for speed in (1, 10, 100):
                r = rates[speed] = frames_per_second(page, speed, args.rate_seconds, process.pid)
                print(f"{speed:>3} epochs / frame: {r['frames_per_second']:5.1f} boundary + cost-curve updates drawn per second "
                      f"(target >= 30), {r['epochs_per_second']:6.0f} epochs / s; CPU per frame: server "
                      f"{r['server_cpu_ms_per_frame']:.1f} ms, browser {r['browser_cpu_ms_per_frame']:.1f} ms; "
                      f"load average {r['load_average']:.1f}")
            results["rates"] = rates
            page.select_option("#speed", "10")
            samples = []
            start = time.perf_counter()
            while (elapsed := time.perf_counter() - start) < args.minutes * 60:
                samples.append((elapsed, rss_mib(process.pid), page.evaluate("window.playground.state.frame.epoch")))
                time.sleep(5.0)
            samples.append((time.perf_counter() - start, rss_mib(process.pid), page.evaluate("window.playground.state.frame.epoch")))
            t = np.array([s[0] for s in samples]) / 60
            rss = np.array([s[1] for s in samples])
            half = len(samples) // 2
            slope = float(np.polyfit(t[half:], rss[half:], 1)[0]) if len(samples) - half >= 2 else float("nan")
            results["memory"] = {"minutes": args.minutes, "rss_mib_first": rss[0], "rss_mib_last": rss[-1], "rss_mib_max": rss.max(),
                                 "slope_second_half_mib_per_minute": slope, "epochs_trained": samples[-1][2] - samples[0][2],
                                 "samples": [[round(a, 1), round(b, 2), c] for a, b, c in samples]}  # fmt: skip
            print(f"server memory over {args.minutes:g} min of training ({samples[-1][2] - samples[0][2]} epochs): "
                  f"{rss[0]:.1f} → {rss[-1]:.1f} MiB (max {rss.max():.1f}); second half's slope {slope:+.3f} MiB/min")
            page.click("#play")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")


if __name__ == "__main__":
    main()
