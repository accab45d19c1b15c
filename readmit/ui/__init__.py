"""The Streamlit pages of the drafting workbench (`app.py` dispatches to them).

Only this package and `app.py` import Streamlit; what the pages do lives in
`readmit.workbench`, which calls the service and the drafting library.
"""
