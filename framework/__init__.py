"""The IPCEI afwegingskader as a domain: framework, assessments, rules, storage, reports. Never imports Streamlit."""

__version__ = "0.1.0"
