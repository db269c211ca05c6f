"""rnnviz: the entry point. Declares the pages, sets up each session, keeps the URL in step."""

import streamlit as st

from rnnviz.ui import layout, presenter, registry, series, server, state

server.freeze_startup_objects()
server.keep_page_changes_over_fragment_timers()
st.set_page_config(
    page_title="rnnviz: RNNs and BPTT, step by step",
    page_icon=":material/autorenew:",
    layout="wide",
)

if state.init_session():
    series.check_link_series()
teacher_page = presenter.apply_pending()  # a followed teacher moved: before any widget

page_list = registry.navigation_pages()  # every page, declared once in rnnviz/ui/registry.py
current = st.navigation(page_list)
if teacher_page is not None and teacher_page != current.url_path:
    st.switch_page(presenter.page_for(teacher_page, page_list) or current)
# A presenting teacher's screen is known now (clicks changed the settings in their callbacks):
# students start following while the teacher's own page is still being drawn.
presenter.publish(current.url_path)
layout.sidebar()
presenter.classroom_sidebar(current.url_path)
current.run()
presenter.publish(current.url_path)
state.sync_url()
