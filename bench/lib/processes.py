"""Pinning to CPUs and reading a process's memory and CPU time from /proc."""
import os


def pin(cpus):
    return ["taskset", "-c", cpus] if cpus else []


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":", 1)
                out[k] = int(v.split()[0]) / 1024  # MiB
    return out


CLK = os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK  # utime + stime, all threads


def proc_run_delay_s(pid="self"):
    """Time the process's threads spent runnable but waiting for a CPU (/proc/PID/task/*/schedstat, 2nd
    field): on a shared machine, what tells a starved process from a slow one."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # a thread that ended meanwhile
    return total / 1e9
