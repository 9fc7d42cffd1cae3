"""Reports: pandas tables from the stores (model.py), rendered to PDF with Qt (pdf.py)."""
