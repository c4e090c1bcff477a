"""Runs a command several times; prints its median wall time in seconds and its largest peak
resident set size in KiB. Each run is a fresh child process whose own peak `wait4` reports.

Usage: measure.py RUNS [--fresh PATH] COMMAND...

With `--fresh PATH`, PATH (the command's output file) is removed before each run, untimed, so
that every run writes a new file as on a clean checkout. Replacing an existing file is not
cheaper for one tool than for another: on ext4 (`auto_da_alloc`), renaming over a file or
truncating it makes the kernel start writing the new file's blocks at once, which for a report of
tens of megabytes costs more than producing it."""
import os
import statistics
import subprocess
import sys
import tempfile
import time

runs = int(sys.argv[1])
command = sys.argv[2:]
fresh = None
if command[:1] == ["--fresh"]:
    fresh, command = command[1], command[2:]
times, peak = [], 0
for _ in range(runs):
    if fresh is not None and os.path.lexists(fresh):
        os.remove(fresh)
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            sys.stderr.write(f"failed ({child.returncode}): {' '.join(command)}\n")
            sys.stderr.write(err.read().decode(errors="replace"))
            sys.exit(1)
    times.append(elapsed)
    peak = max(peak, usage.ru_maxrss)  # KiB on Linux
print(f"{statistics.median(times):.4f} {peak}")
