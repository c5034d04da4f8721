"""Figures of the HTML report: matplotlib figures rendered to inline SVG (text kept as text).

Plot labels are in English (the fonts matplotlib ships have no Chinese glyphs); the Chinese names sit in
the captions and tables around them. No pyplot: figures are built with :class:`matplotlib.figure.Figure`,
so nothing depends on a display or a global backend.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

TECH_COLORS: dict[str, str] = {"pv": "#f28e2b", "wind": "#2c7fb8"}
TECH_LABELS: dict[str, str] = {"pv": "PV", "wind": "Wind"}


def _svg(fig) -> str:
    from matplotlib import rc_context

    buf = io.StringIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "siting-report"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and doctype: the SVG is inlined in HTML
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)


def _figure(width_in: float, height_in: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100)
    return fig, fig.add_subplot()


def capacity_vs_target_svg(
    capacity_gw: pd.DataFrame, *, targets_gw: Mapping[str, float] | None = None, title: str = ""
) -> str:
    """Stacked horizontal bars of eligible capacity [GW] per row label and technology, with target marks.

    Parameters
    ----------
    capacity_gw : DataFrame
        Index: row labels (bases, or one "Shanxi" row); columns: technologies; values [GW].
    targets_gw : mapping, optional
        Row label → target [GW], drawn as a black tick.
    """
    n = len(capacity_gw)
    fig, ax = _figure(7.5, 0.55 * n + 1.4)
    y = np.arange(n)[::-1]
    left = np.zeros(n)
    for tech in capacity_gw.columns:
        values = capacity_gw[tech].fillna(0).to_numpy(dtype=float)
        ax.barh(
            y,
            values,
            left=left,
            color=TECH_COLORS.get(tech, "#999999"),
            label=TECH_LABELS.get(tech, tech),
            height=0.6,
        )
        left += values
    if targets_gw:
        for yi, label in zip(y, capacity_gw.index, strict=True):
            if label in targets_gw and targets_gw[label] is not None and np.isfinite(targets_gw[label]):
                ax.plot([targets_gw[label]] * 2, [yi - 0.42, yi + 0.42], color="black", lw=2.5)
        ax.plot([], [], color="black", lw=2.5, label="Target 2030")
    ax.set_yticks(y, [str(i) for i in capacity_gw.index])
    ax.set_xlabel("Eligible capacity [GW]")
    ax.set_title(title, fontsize=11)
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.18 - 0.3 / max(n, 1)), ncol=3, fontsize=9, frameon=False
    )
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def grouped_bars_svg(
    values: pd.DataFrame, *, xlabel: str, title: str = "", colors: Sequence[str] | None = None
) -> str:
    """Horizontal grouped bars: index = row labels, columns = groups (e.g. technologies)."""
    n, k = values.shape
    fig, ax = _figure(7.5, 0.45 * n * max(1, k) * 0.6 + 1.3)
    y = np.arange(n)[::-1]
    height = 0.8 / max(k, 1)
    for j, col in enumerate(values.columns):
        color = (colors[j] if colors else None) or TECH_COLORS.get(col, None)
        ax.barh(
            y + (k - 1 - 2 * j) * height / 2,
            values[col].fillna(0).to_numpy(dtype=float),
            height=height,
            label=TECH_LABELS.get(col, str(col)),
            color=color,
        )
    ax.set_yticks(y, [str(i) for i in values.index])
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=11)
    if k > 1:
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.18 - 0.3 / max(n, 1)),
            ncol=3,
            fontsize=9,
            frameon=False,
        )
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)
