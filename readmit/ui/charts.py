"""Pictures of the clause data (Altair / Vega-Lite, drawn by Streamlit's `st.altair_chart`).

The charts take exactly the rows the CSV downloads hold (`PrecedentMatrix`, the time-limit
table), so a picture and its CSV never disagree. Document text only reaches them as data values
(tooltips, axis labels), which Vega-Lite draws as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import altair as alt

from readmit.facade import (
    CELL_STATES,
    PrecedentMatrix,
    clause_type,
    matrix_heat_rows,
    time_limit_points,
)

_CELL_COLOURS = ("#0b3d62", "#9ab8d3", "#f1f3f5")

MatrixOrder = Literal["year", "name"]


def _data(values: Sequence[dict[str, object]]) -> alt.Data:
    """Inline chart data (Altair's constructors are untyped)."""
    return alt.Data(values=list(values))  # type: ignore[no-untyped-call]


def matrix_heat_map(matrix: PrecedentMatrix, *, order: MatrixOrder = "year") -> alt.Chart:
    """Agreements (rows, by readable name) × clause types (columns), coloured by presence and
    certainty; as wide as the page (`width="container"`), the slanted column titles inside it."""
    rows = matrix_heat_rows(matrix)
    slot_titles = [clause_type(slot).title for slot in matrix.slots]
    documents = sorted(
        matrix.documents,
        key=(lambda d: (d.year or 0, d.doc_id)) if order == "year" else (lambda d: d.doc_id),
    )
    names = {str(row["document"]): str(row["name"]) for row in rows}
    chart: alt.Chart = (
        alt.Chart(_data(rows))
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "clause type:N",
                sort=slot_titles,
                title=None,
                axis=alt.Axis(
                    orient="top",
                    labelAngle=-40,
                    labelAlign="left",
                    labelLimit=260,
                    labelOverlap=False,
                    labelFontSize=11,
                ),
            ),
            y=alt.Y(
                "name:N",
                sort=[names.get(d.doc_id, d.doc_id) for d in documents],
                title=None,
                axis=alt.Axis(labelLimit=0, labelOverlap=False, labelFontSize=11),
            ),
            color=alt.Color(
                "state:N",
                scale=alt.Scale(domain=list(CELL_STATES), range=list(_CELL_COLOURS)),
                legend=alt.Legend(title="Clause", orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("agreement:N"),
                alt.Tooltip("document:N", title="Document id"),
                alt.Tooltip("year:Q"),
                alt.Tooltip("language:N"),
                alt.Tooltip("clause type:N"),
                alt.Tooltip("articles:N"),
                alt.Tooltip("state:N"),
            ],
        )
        # The column titles slant up and to the right from their column: the right padding
        # keeps the last ones (about 200 px wide at -40°) inside the picture.
        .properties(
            width="container",
            height=max(24 * len(documents), 120),
            padding={"left": 5, "top": 10, "right": 200, "bottom": 5},
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        )
    )
    return chart


def time_limit_chart(rows: Sequence[dict[str, str]]) -> alt.LayerChart:
    """Each time limit by year signed (x) and length in days (y, log scale), by purpose; the
    shortest and longest of each purpose ringed and labelled."""
    points = [p for p in time_limit_points(rows) if p["year"] is not None]
    base = alt.Chart(_data(points)).encode(
        x=alt.X(
            "year:Q", title="Year signed", scale=alt.Scale(zero=False), axis=alt.Axis(format="d")
        ),
        y=alt.Y("days:Q", title="Length (calendar days, log scale)", scale=alt.Scale(type="log")),
        tooltip=[
            alt.Tooltip("title:N", title="Agreement"),
            alt.Tooltip("article:N"),
            alt.Tooltip("period:N"),
            alt.Tooltip("purpose label:N", title="Purpose"),
            alt.Tooltip("text:N", title="Quoted phrase"),
        ],
    )
    dots = base.mark_circle(size=70, opacity=0.75).encode(
        color=alt.Color("purpose label:N", title="Purpose", legend=alt.Legend(orient="right"))
    )
    extremes = base.transform_filter(alt.datum.extreme != "")
    rings = extremes.mark_point(size=260, shape="circle", filled=False, color="#b42318")
    labels = extremes.mark_text(align="left", dx=9, dy=-8, fontSize=11, color="#b42318").encode(
        text="period:N"
    )
    return alt.LayerChart(layer=[dots, rings, labels], height=420)
