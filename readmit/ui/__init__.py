"""The Streamlit pages of the drafting workbench (`app.py` dispatches to them).

Only this package and `app.py` import Streamlit; what the pages do lives in the application
facade (`readmit.facade`), which the pages call for everything: `lint-imports` keeps them from
importing anything below it.
"""
