"""Plotting shared by the benchmarks under bench/: one horizontal bar per
measurement, a ratio (isles / reference) with a line at the target.
matplotlib is optional: without it the benchmarks still write their JSON."""
import os


def ratio_bars(path, title, rows, target, target_label, xlabel="time ratio, isles / reference (lower is better)"):
    """rows: [(label, ratio, group)], drawn top to bottom. Returns the path
    written, or None (with a message) when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")  # no display on benchmark machines
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"  matplotlib is not installed: {os.path.basename(path)} not drawn")
        return None
    groups = list(dict.fromkeys(g for _, _, g in rows))
    colours = dict(zip(groups, plt.get_cmap("tab10").colors))
    y = range(len(rows))[::-1]  # first row at the top
    ratios = [r for _, r, _ in rows]
    fig, ax = plt.subplots(figsize=(9, 0.36 * len(rows) + 1.6))
    ax.barh(list(y), ratios, color=[colours[g] for _, _, g in rows], height=0.7)
    for yi, r in zip(y, ratios):
        ax.text(r + 0.01, yi, f"{r:.2f}\u00d7", va="center", fontsize=8,
                color="firebrick" if r > target else "black")
    ax.set_yticks(list(y), [label for label, _, _ in rows], fontsize=8)
    ax.axvline(1.0, color="grey", lw=0.8)
    ax.axvline(target, color="firebrick", ls="--", lw=1.2, label=target_label)
    ax.set_xlim(0, max(ratios + [target]) * 1.15)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[g]) for g in groups]
    ax.legend(handles + ax.get_legend_handles_labels()[0], groups + [target_label],
              fontsize=8, loc="lower right")
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
