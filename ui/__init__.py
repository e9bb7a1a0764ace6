"""View helpers shared by the pages: state of the draft, widgets per answer type, texts. Uses Streamlit."""
