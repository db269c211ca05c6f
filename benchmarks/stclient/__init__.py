"""A Streamlit protocol client: one browser tab's worth of traffic, without the browser.

It speaks to `streamlit run` the way Streamlit 1.67's frontend does (read from the installed
package's `static/` bundle and checked against the frames a real Chromium sends):

- before connecting, the HTTP requests a browser makes, then the websocket (`connection`);
- open the page with a `rerun_script` BackMsg whose ClientState carries the URL's query string,
  `page_name` (the URL path, e.g. "stepper"), empty widget states and the context info;
- every later rerun carries `page_script_hash`, the value of every widget on screen (a browser's
  widget manager sends them all, with a button's `trigger_value` set for a click: `widgets`), the
  `fragment_id` when the clicked widget lives in a fragment, and the hashes of the messages it
  holds in its ForwardMsg cache (the server then sends `ref_hash` references instead: `cache`);
- a page change stops the fragment timers, then sends the target `page_script_hash`, an empty
  query string and only the widgets app.py drew (the sidebar), exactly as a sidebar link does;
- `auto_rerun` messages start a timer that reruns that fragment every `interval` seconds
  (`is_auto_rerun`), cleared by `stop_auto_rerun` and by every full run, as the frontend does;
- `page_info_changed` updates the query string, as the browser's address bar.

The element tree is rebuilt from the deltas (`elements`), stale elements are dropped when a run
finishes (for a fragment run, only that fragment's), and widgets are found by label or key. A
click's latency is from sending the BackMsg to the `script_finished` of the first run that
started after it and covers it (a full run, or a run of the clicked widget's fragment: `runs`).

Only the standard library, `websockets` (installed with streamlit) and streamlit's protobufs.

    client = StClient("http://127.0.0.1:8501", "s1")
    await client.open("stepper", "win=7&model_seed=3")
    latency = await client.click(key="fstep:next")
"""

from benchmarks.stclient.client import StClient
from benchmarks.stclient.errors import ClickTimeout, ProtocolError

__all__ = ["ClickTimeout", "ProtocolError", "StClient"]
