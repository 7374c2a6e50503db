"""The leadership report: figures for a view (gather), one self-contained HTML file (render), a PDF (pdf)."""
