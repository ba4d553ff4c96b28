"""summary.md's tables: one row per metric, peer | ours | ratio ours/peer | target | met?, and the
targets a run missed, collected as the rows are made."""


def fmt(x, unit="", nd=0):
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, str):
        return x
    if nd == 0 and abs(x) >= 100:
        return f"{x:,.0f}{unit}"
    if abs(x) >= 10:
        return f"{x:,.{max(nd, 1)}f}{unit}"
    return f"{x:,.{max(nd, 2)}f}{unit}"


def ratio(o, p):
    if o is None or p is None or p == 0:
        return None
    return o / p


def rfmt(r):
    if r is None:
        return "—"
    return f"{r:,.1f}×" if r >= 10 else f"{r:.2f}×" if r >= 0.1 else f"{r:.3f}×"


def met(ok):
    return "—" if ok is None else ("**yes**" if ok else "**NO**")


def table(rows):
    L = ["| metric | peer | ours | ratio ours/peer | target | met? |", "|---|---:|---:|---:|---|---|"]
    for r in rows:
        L.append("| " + " | ".join(str(c) for c in r) + " |")
    return L


class Summary:
    """Makes the rows of every part's table and remembers each metric whose target it missed."""

    def __init__(self):
        self.misses = []

    def row(self, metric, p, o, unit="", target="", ok=None, nd=0, show_ratio=True):
        if ok is False:
            self.misses.append(metric)
        return [metric, fmt(p, unit, nd), fmt(o, unit, nd), rfmt(ratio(o, p)) if show_ratio else "—",
                target, met(ok)]
