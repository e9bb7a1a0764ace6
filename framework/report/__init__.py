"""The advice report: ``view`` (what the report shows), ``render`` (Jinja2 HTML to PDF/A-3b with WeasyPrint),
``pdfa`` (the PDF/A details and checks) and ``signing`` (PAdES signatures with pyHanko)."""
