"""Shared report rendering: HTML to PDF (WeasyPrint, no network) and charts as inline SVG.

Used by governance (monitoring reports), profiles and oversight::

    from convenor.reports import render_pdf, bar_chart_svg, stacked_bar_chart_svg
"""

from .charts import bar_chart_svg, stacked_bar_chart_svg
from .pdf import render_pdf

__all__ = ["bar_chart_svg", "render_pdf", "stacked_bar_chart_svg"]
