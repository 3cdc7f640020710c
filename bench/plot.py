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
