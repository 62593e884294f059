"""How results are shown: terminal tables, figures and the HTML report (rendering only)."""
