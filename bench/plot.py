"""Plotting shared by the benchmarks under bench/: one horizontal bar per
measurement, a ratio (isles / reference) with a line at the target.
matplotlib is optional: without it the benchmarks still write their JSON."""
import os


def ratio_bars(path, title, rows, target, target_label, xlabel="time ratio, isles / reference (lower is better)"):
    """rows: [(label, ratio, group, median or None)], drawn top to bottom; the
    median (of per-round ratios) is drawn as a tick, to show the noise.
    Returns the path written, or None (with a message) without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")  # no display on benchmark machines
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"  matplotlib is not installed: {os.path.basename(path)} not drawn")
        return None
    groups = list(dict.fromkeys(r[2] for r in rows))
    colours = dict(zip(groups, plt.get_cmap("tab10").colors))
    y = list(range(len(rows)))[::-1]  # first row at the top
    ratios = [r[1] for r in rows]
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(rows) + 1.6))
    ax.barh(y, ratios, color=[colours[r[2]] for r in rows], height=0.7)
    meds = [(yi, r[3]) for yi, r in zip(y, rows) if r[3] is not None]
    if meds:
        ax.plot([m for _, m in meds], [yi for yi, _ in meds], "k|", ms=11, mew=1.5, label="median of rounds")
    for yi, r in zip(y, ratios):
        ax.text(max(r, *(m for yj, m in meds if yj == yi)) + 0.02, yi, f"{r:.2f}\u00d7", va="center", fontsize=8,
                color="firebrick" if r > target else "black")
    ax.set_yticks(y, [r[0] for r in rows], fontsize=8)
    ax.axvline(1.0, color="grey", lw=0.8)
    ax.axvline(target, color="firebrick", ls="--", lw=1.2, label=target_label)
    ax.set_xlim(0, max(ratios + [m for _, m in meds] + [target]) * 1.12)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[g]) for g in groups]
    h, l = ax.get_legend_handles_labels()
    ax.legend(handles + h, groups + l, fontsize=8, ncol=len(groups) + len(l),
              loc="upper center", bbox_to_anchor=(0.5, -0.6 / (0.32 * len(rows) + 1.6)))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")  # "tight": keeps the legend below the axes
    plt.close(fig)
    return path


GROUP_COLOURS = {"isles": "tab:blue", "isles extra": "tab:purple", "isles ref": "lightsteelblue", "stdlib": "tab:orange",
                 "process": "tab:green", "thread": "tab:grey"}


def _fmt_value(v):
    return f"{v:,.0f}" if v >= 1000 else f"{v:.3g}"


def bar_panels(path, title, panels):
    """One panel of horizontal bars per section, stacked top to bottom.
    panels: [{"title", "unit", "log": bool, "rows", "targets": [(x, label)], "series": optional}].
    Without "series", rows are [(label, value, tick or None, group)]; with "series"
    (names, e.g. placements), rows are [(label, [(value, tick or None) per series], group)]
    and each row gets one bar per series (the first plain, the next hatched). The
    tick (a second figure: p90, median...) is a black mark, a target a dashed line.
    Bars are coloured by group (GROUP_COLOURS). Returns the path written, or None
    without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"  matplotlib is not installed: {os.path.basename(path)} not drawn")
        return None
    panels = [p for p in panels if p["rows"]]
    heights = [(0.3 + 0.22 * (len(p.get("series") or [1]) - 1)) * len(p["rows"]) + 1.1 for p in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(11, sum(heights) + 0.8),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    styles = ["--", ":", "-."]
    hatches = ["", "////", "...."]
    groups_seen = []
    for ax, p in zip(axes[:, 0], panels):
        names = p.get("series")
        rows = [(r[0], r[1], r[2]) for r in p["rows"]] if names else [(r[0], [(r[1], r[2])], r[3]) for r in p["rows"]]
        ns = len(names) if names else 1
        h = 0.8 / ns
        y = list(range(len(rows)))[::-1]
        vals = [v for r in rows for v, _ in r[1] if v is not None]
        ticks_all = [t for r in rows for _, t in r[1] if t is not None]
        top = max(vals + ticks_all + [t for t, _ in p["targets"]])
        low = min([v for v in vals if v > 0] + [t for t, _ in p["targets"]])
        for r in rows:
            if r[2] not in groups_seen:
                groups_seen.append(r[2])
        for k in range(ns):
            yk = [yi + (ns - 1) / 2 * h - k * h for yi in y]
            ax.barh(yk, [r[1][k][0] or 0 for r in rows], height=h * 0.92, hatch=hatches[k % len(hatches)],
                    color=[GROUP_COLOURS.get(r[2], "tab:cyan") for r in rows], edgecolor="white", lw=0)
            tk = [(yi, r[1][k][1]) for yi, r in zip(yk, rows) if r[1][k][1] is not None]
            if tk:
                ax.plot([t for _, t in tk], [yi for yi, _ in tk], "k|", ms=10 / ns ** 0.5, mew=1.4)
            for yi, r in zip(yk, rows):
                v, t = r[1][k]
                if v is None:
                    continue
                end = max(v, t or 0)
                label = _fmt_value(v) + (f" ({names[k]})" if names and k == 0 and yi == yk[0] else "")
                ax.text(end * 1.08 if p["log"] else end + top * 0.01, yi, label, va="center",
                        fontsize=7 if ns > 1 else 7.5)
        for (t, label), ls in zip(p["targets"], styles):
            ax.axvline(t, color="firebrick", ls=ls, lw=1.2, label=label)
        if names:
            for k, n in enumerate(names):
                ax.bar(0, 0, color="0.6", hatch=hatches[k % len(hatches)], edgecolor="white", label=n)
        if p["log"]:
            ax.set_xscale("log")
            ax.set_xlim(low / 3, top * 8)
        else:
            ax.set_xlim(0, top * 1.15)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_yticks(y, [r[0] for r in rows], fontsize=8)
        ax.set_xlabel(p["unit"], fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        ax.set_title(p["title"], fontsize=9.5, loc="left")
        ax.grid(axis="x", which="major", color="0.9", lw=0.6)
        ax.set_axisbelow(True)
        if p["targets"] or names:
            ax.legend(fontsize=7.5, loc="upper right", framealpha=0.9)
    handles = [plt.Rectangle((0, 0), 1, 1, color=GROUP_COLOURS.get(g, "tab:cyan")) for g in groups_seen]
    fig.legend(handles, groups_seen, loc="upper center", ncol=len(groups_seen), fontsize=8,
               bbox_to_anchor=(0.5, 1 - 0.25 / (sum(heights) + 0.8)))
    fig.suptitle(title, fontsize=11, y=1.0)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.45 / (sum(heights) + 0.8)))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return path


def line_panels(path, title, grid, xlabel):
    """A grid of line charts: grid is a list of rows, each a list of panels
    {"title", "ylabel", "xticks", "lines": [(label, xs, ys, colour)],
    "refs": [(xs, ys, label[, linestyle])]}; refs are grey guides (an ideal, a
    reference), dashed unless told. One legend, below, for every panel. Returns the path written,
    or None without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"  matplotlib is not installed: {os.path.basename(path)} not drawn")
        return None
    nrows, ncols = len(grid), max(len(r) for r in grid)
    width, height = max(8.0, 5.2 * ncols), 3.4 * nrows
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), squeeze=False)
    for ax_row, row in zip(axes, grid):
        for ax, p in zip(ax_row, row):
            for xs, ys, label, *ls in p.get("refs", []):
                ax.plot(xs, ys, color="0.45", ls=ls[0] if ls else "--", lw=1.1, label=label)
            for (label, xs, ys, colour), marker in zip(p["lines"], "osD^v<>"):  # markers tell apart lines that overlap
                ax.plot(xs, ys, marker=marker, ms=5, mfc="none", lw=1.6, alpha=0.9, color=colour, label=label)
            ax.set_xticks(p["xticks"])
            ax.set_xlabel(xlabel, fontsize=8)
            ax.set_ylabel(p["ylabel"], fontsize=8)
            ax.set_ylim(bottom=0)
            ax.tick_params(labelsize=8)
            ax.set_title(p["title"], fontsize=9.5, loc="left")
            ax.grid(color="0.9", lw=0.6)
            ax.set_axisbelow(True)
        for ax in ax_row[len(row):]:
            ax.axis("off")
    seen = {}  # one legend entry per label, across panels
    for ax in axes.flat:
        for h, label in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(label, h)
    ncol = 3 if width < 10 else 4
    fig.legend(list(seen.values()), list(seen), loc="lower center", ncol=ncol, fontsize=8)
    fig.suptitle(title, fontsize=11)
    legend_in = 0.25 * -(-len(seen) // ncol) + 0.15  # inches the legend takes below the panels
    fig.tight_layout(rect=(0, legend_in / height, 1, 1 - 0.35 / height))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
