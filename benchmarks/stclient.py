"""A Streamlit protocol client: one browser tab's worth of traffic, without the browser.

It speaks to `streamlit run` the way Streamlit 1.67's frontend does (read from the installed
package's `static/` bundle and checked against the frames a real Chromium sends):

- before connecting, GET /_stcore/health (which sets the `_streamlit_xsrf` cookie) and
  /_stcore/host-config; then open ws://…/_stcore/stream with the subprotocols
  ["streamlit", <xsrf token>], the cookie and a same-origin Origin header, no client pings;
- open the page with a `rerun_script` BackMsg whose ClientState carries the URL's query string,
  `page_name` (the URL path, e.g. "stepper"), empty widget states and the context info;
- every later rerun carries `page_script_hash`, the value of every widget on screen (a browser's
  widget manager sends them all, with a button's `trigger_value` set for a click), the
  `fragment_id` when the clicked widget lives in a fragment, and the hashes of the messages it
  holds in its ForwardMsg cache (the server then sends `ref_hash` references instead);
- a page change stops the fragment timers, then sends the target `page_script_hash`, an empty
  query string and only the widgets app.py drew (the sidebar), exactly as a sidebar link does;
- `auto_rerun` messages start a timer that reruns that fragment every `interval` seconds
  (`is_auto_rerun`), cleared by `stop_auto_rerun` and by every full run, as the frontend does;
- `page_info_changed` updates the query string, as the browser's address bar.

The element tree is rebuilt from the deltas (`metadata.delta_path`), stale elements are dropped
when a run finishes (for a fragment run, only that fragment's), and widgets are found by label or
key. A click's latency is from sending the BackMsg to the `script_finished` of the first run
that started after it and covers it (a full run, or a run of the clicked widget's fragment).

Only the standard library, `websockets` (installed with streamlit) and streamlit's protobufs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

FINISHED_OK = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
FINISHED_COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR
FINISHED_EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FINISHED_FRAGMENT_OK = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
ALERT_ERROR = 1  # Alert.Format.ERROR


class ProtocolError(RuntimeError):
    """The server sent something a browser could not have handled, or the socket failed."""


class ClickTimeout(TimeoutError):
    """No run covering the click finished within the timeout."""


@dataclass
class Node:
    """One node of the element tree: an element (`element` set) or a block (`children`)."""

    element: Any = None  # Element proto, None for a block
    block: Any = None  # Block proto for a block
    run_id: str = ""
    fragment_id: str = ""
    script_hash: str = ""  # which script drew it: app.py (main) or the page
    children: list[Node | None] = field(default_factory=list)


@dataclass
class Run:
    run_id: str
    fragment_ids: tuple[str, ...]
    started: float
    status: int | None = None
    finished: float | None = None


def _widget_value(kind: str, proto: Any) -> tuple[str, Any] | None:
    """The (WidgetState field, value) a browser gives a widget when it first appears or when the
    server sets it: the server's value if it set one (`set_value`), else the default. None:
    nothing is sent (buttons send only a trigger)."""
    if kind == "checkbox":
        return "bool_value", proto.value if proto.set_value else proto.default
    if kind == "number_input":
        value = proto.value if proto.set_value else proto.default
        if proto.data_type == NumberInput.INT:
            return "int_value", int(value)
        return "double_value", float(value)
    if kind == "slider":
        if proto.type == Slider.SELECT_SLIDER or proto.options:
            if proto.set_value:
                return "string_array_value", list(proto.raw_value)
            return "string_array_value", [proto.options[int(i)] for i in proto.default]
        return "double_array_value", list(proto.value if proto.set_value else proto.default)
    if kind in ("radio", "selectbox"):
        if proto.set_value:
            return "string_value", proto.raw_value
        if proto.options and 0 <= proto.default < len(proto.options):
            return "string_value", proto.options[proto.default]
        return None
    if kind in ("text_input", "text_area"):
        return "string_value", proto.value if proto.set_value else proto.default
    if kind == "file_uploader":
        return "file_uploader_state_value", None  # an empty uploader's state
    if kind == "multiselect":
        if proto.set_value:
            return "string_array_value", list(proto.raw_values)
        return "string_array_value", [proto.options[i] for i in proto.default]
    return None  # buttons (triggers only) and widgets this app does not use


def _set_state(state: Any, value_field: str, value: Any) -> None:
    if value is None:
        getattr(state, value_field).SetInParent()
    elif value_field in ("double_array_value", "string_array_value", "int_array_value"):
        getattr(state, value_field).data.extend(value)
    else:
        setattr(state, value_field, value)


async def _http_get(host: str, port: int, path: str, cookie: str = "") -> tuple[int, dict]:
    """A minimal HTTP/1.1 GET (loopback only): status and the Set-Cookie values by name."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
        if cookie:
            request += f"Cookie: {cookie}\r\n"
        writer.write((request + "\r\n").encode())
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    cookies = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            key, _, rest = value.strip().partition("=")
            cookies[key] = rest.split(";", 1)[0]
    return status, cookies


class StClient:
    """One Streamlit session over the websocket, driven like a browser tab.

    base_url : "http://127.0.0.1:PORT" (the client refuses anything but loopback)
    on_error : called with a sentence for every exception element, error alert or compile
        error the server shows this session (they are also kept in `errors`)
    """

    def __init__(self, base_url: str, name: str = "", on_error: Callable[[str], None] = None):
        parts = urlsplit(base_url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"loopback only, not {base_url}")
        self.base_url = base_url.rstrip("/")
        self.host, self.port = parts.hostname, parts.port
        self.name = name
        self.on_error = on_error
        self.errors: list[str] = []
        self.query_string = ""
        self.page_hash = ""
        self._session_page = ""
        self.main_hash = ""
        self.url_path = ""
        self.pages: dict[str, str] = {}  # url_pathname -> page_script_hash
        self.bytes_received = 0
        self.messages_received = 0
        self.reruns_sent = 0
        self.served_early = 0  # requests served by a run that ended "early" or unannounced
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._root = Node(block=True)
        self._run: Run | None = None
        self._runs: list[Run] = []
        self._finished = asyncio.Condition()
        self._cache: dict[str, list] = {}  # hash -> [ForwardMsg, run count, fragment id]
        self._run_count = 0
        self._max_age = 2
        self._values: dict[str, tuple[str, Any]] = {}  # widget id -> (field, value)
        self._timers: dict[str, tuple[float, asyncio.Task]] = {}
        self._closed = False
        self.failure: BaseException | None = None

    # -- connection ------------------------------------------------------------------------
    async def open(self, path: str = "", query: str = "", timeout: float = 60.0) -> float:
        """Load http://host/<path>?<query> as a browser does; returns the seconds until the
        first run that started after the request finished."""
        started = time.monotonic()
        status, cookies = await _http_get(self.host, self.port, "/_stcore/health")
        if status != 200:
            raise ProtocolError(f"health check answered {status}")
        await _http_get(self.host, self.port, "/_stcore/host-config")
        xsrf = cookies.get("_streamlit_xsrf", "")
        self._ws = await connect(
            f"ws://{self.host}:{self.port}/_stcore/stream",
            subprotocols=["streamlit", xsrf or "PLACEHOLDER_AUTH_TOKEN"],
            additional_headers={"Cookie": f"_streamlit_xsrf={xsrf}"} if xsrf else None,
            origin=f"http://{self.host}:{self.port}",
            ping_interval=None,  # browsers do not ping; the server's pings are answered
            max_size=None,
            open_timeout=timeout,
            close_timeout=2,
        )
        self._reader = asyncio.create_task(self._read(), name=f"read-{self.name}")
        self.url_path = path.strip("/")
        self.query_string = query
        sent = await self._rerun(widget_states=[], page_name=self.url_path, page_hash="")
        await self._wait(sent, None, timeout)
        return time.monotonic() - started

    async def close(self) -> None:
        self._closed = True
        for _, task in self._timers.values():
            task.cancel()
        self._timers.clear()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - closing anyway
                pass

    # -- reading ---------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for payload in self._ws:
                self.bytes_received += len(payload)
                self.messages_received += 1
                msg = ForwardMsg()
                msg.ParseFromString(payload)
                await self._handle(msg)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # noqa: BLE001 - surfaced to whoever waits on this client
            if not self._closed:
                self.failure = err
        finally:
            if not self._closed and self.failure is None:
                self.failure = ProtocolError("the server closed the websocket")
            async with self._finished:
                self._finished.notify_all()

    async def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            entry = self._cache.get(msg.ref_hash)
            if entry is None:
                raise ProtocolError(f"cached ForwardMsg miss {msg.ref_hash}")
            entry[1] = self._run_count
            cached = ForwardMsg()
            cached.CopyFrom(entry[0])
            cached.metadata.CopyFrom(msg.metadata)  # the reference says where it goes now
            msg, kind = cached, cached.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            fragment = msg.delta.fragment_id if kind == "delta" else ""
            self._cache[msg.hash] = [msg, self._run_count, fragment]
        if kind == "new_session":
            self._new_session(msg)
        elif kind == "delta":
            self._delta(msg)
        elif kind == "script_finished":
            await self._script_finished(msg)
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "navigation":
            for page in msg.navigation.app_pages:
                self.pages[page.url_pathname] = page.page_script_hash
            if msg.navigation.page_script_hash:  # the page st.navigation chose: the frontend's
                self.page_hash = msg.navigation.page_script_hash  # currentPageScriptHash
        elif kind == "auto_rerun":
            self._auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self._stop_timer(fragment_id)
        elif kind == "session_event":
            event = msg.session_event
            if event.WhichOneof("type") == "script_compilation_exception":
                self._error(f"compile error: {event.script_compilation_exception.message}")
        # page_config_changed, session_status_changed, logo, git info: nothing to answer

    def _new_session(self, msg: ForwardMsg) -> None:
        session = msg.new_session
        run = Run(
            msg.metadata.run.script_run_id,
            tuple(msg.metadata.run.fragment_ids),
            time.monotonic(),
        )
        self._run = run
        self._runs.append(run)
        del self._runs[:-50]
        if session.config.max_cached_message_age:
            self._max_age = session.config.max_cached_message_age
        self.main_hash = session.main_script_hash
        if not run.fragment_ids:
            for _, task in self._timers.values():  # the frontend's cleanupAutoReruns
                task.cancel()
            self._timers.clear()
            if session.page_script_hash != self._session_page:  # another page: clearAppState
                self._root = Node(block=True)
            self._session_page = session.page_script_hash
            self.page_hash = session.page_script_hash  # until a navigation message says more

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        which = delta.WhichOneof("type")
        if which not in ("new_element", "add_block"):
            return  # transient elements (spinners, toasts)
        run_id = self._run.run_id if self._run else ""
        node = Node(
            run_id=run_id,
            fragment_id=delta.fragment_id,
            script_hash=msg.metadata.active_script_hash,
        )
        if which == "new_element":
            node.element = delta.new_element
            kind = node.element.WhichOneof("type")
            if kind == "exception":
                exc = node.element.exception
                self._error(f"exception on page: {exc.type}: {exc.message}")
            elif kind == "alert" and node.element.alert.format == ALERT_ERROR:
                self._error(f"error message on page: {node.element.alert.body}")
            elif kind is not None:
                proto = getattr(node.element, kind)
                widget_id = getattr(proto, "id", "")
                # The frontend's widget manager: a widget takes its value from the proto when
                # it first appears or when the server sets it (`set_value`); otherwise it keeps
                # the value it has (the proto's default is only the initial value).
                if widget_id and (widget_id not in self._values or proto.set_value):
                    value = _widget_value(kind, proto)
                    if value is not None:
                        self._values[widget_id] = value
        else:
            node.block = delta.add_block
        parent = self._root
        path = list(msg.metadata.delta_path)
        for index in path[:-1]:
            while len(parent.children) <= index:
                parent.children.append(None)
            child = parent.children[index]
            if child is None or child.block is None:
                child = Node(block=True)  # a root container: permanent (run_id "")
                parent.children[index] = child
            elif child.run_id:
                child.run_id = run_id  # the frontend's setIn: every block on the path is current
            parent = child
        index = path[-1]
        while len(parent.children) <= index:
            parent.children.append(None)
        old = parent.children[index]
        if node.block is not None and old is not None and old.block is not None:
            node.children = old.children  # a block drawn again keeps its children until stale
        parent.children[index] = node

    async def _script_finished(self, msg: ForwardMsg) -> None:
        status = msg.script_finished
        run_id = msg.metadata.run.script_run_id
        run = next((r for r in reversed(self._runs) if r.run_id == run_id), self._run)
        if run is not None:
            run.status, run.finished = status, time.monotonic()
        fragments = run.fragment_ids if run else ()
        if status == FINISHED_COMPILE_ERROR:
            self._error("the script finished with a compile error")
        if status in (FINISHED_OK, FINISHED_FRAGMENT_OK) and run is not None:
            self._clear_stale(self._root, run.run_id, fragments)
            if not fragments:  # the frontend's removeInactive: forget widgets no longer drawn
                on_screen = {getattr(p, "id", "") for _, p in self.elements() if p is not None}
                self._values = {k: v for k, v in self._values.items() if k in on_screen}
        if status != FINISHED_EARLY:
            self._age_cache(fragments)
        async with self._finished:
            self._finished.notify_all()

    def _clear_stale(
        self, node: Node, run_id: str, fragments: tuple[str, ...], inside: bool = False
    ) -> None:
        """The frontend's clearStaleNodes. A full run drops everything it did not draw. A
        fragment run only looks inside the blocks of its fragments that it drew again, and
        drops there what it did not draw; the rest of the page stays."""
        for i, child in enumerate(node.children):
            if child is None:
                continue
            current = child.run_id in ("", run_id)  # "": a root container, permanent
            if child.block is not None:
                if not fragments:
                    keep, deeper = current, False
                elif inside:
                    keep, deeper = current, True
                else:
                    keep = True
                    deeper = child.fragment_id in fragments and child.run_id == run_id
                if keep:
                    self._clear_stale(child, run_id, fragments, deeper)
                else:
                    node.children[i] = None
            elif fragments:
                if child.fragment_id and inside and not current:
                    node.children[i] = None
            elif not current:
                node.children[i] = None

    def _age_cache(self, fragments: tuple[str, ...]) -> None:
        """The frontend's cache expiry: entries unused for more than max age runs go."""
        self._run_count += 1
        for key, (_, used, fragment) in list(self._cache.items()):
            if fragments and fragment not in fragments:
                continue
            if self._run_count - used > self._max_age:
                del self._cache[key]

    def _error(self, text: str) -> None:
        self.errors.append(text)
        if self.on_error is not None:
            self.on_error(text)

    # -- the element tree --------------------------------------------------------------------
    def _walk(self, node: Node | None = None) -> Iterator[Node]:
        node = node or self._root
        for child in node.children:
            if child is None:
                continue
            if child.element is not None:
                yield child
            else:
                yield from self._walk(child)

    def elements(self, kind: str | None = None) -> Iterator[tuple[Node, Any]]:
        """(node, proto) of every element on screen, of one kind ("button", "markdown", …)."""
        for node in self._walk():
            which = node.element.WhichOneof("type")
            if kind is None or which == kind:
                yield node, getattr(node.element, which) if which else None

    def texts(self) -> list[str]:
        """Every text on screen: markdown and captions, headings, alerts, code, progress."""
        out = []
        for node in self._walk():
            which = node.element.WhichOneof("type")
            proto = getattr(node.element, which) if which else None
            if which in ("markdown", "text", "heading", "alert"):
                out.append(proto.body)
            elif which == "code":
                out.append(proto.code_text)
            elif which == "progress":
                out.append(proto.text)
            elif which == "exception":
                out.append(proto.message)
        return out

    def has_text(self, *parts: str) -> bool:
        """True if one on-screen text contains `parts[0]`, one `parts[1]`, and so on."""
        texts = self.texts()
        return all(any(p in t for t in texts) for p in parts)

    def widget(self, label: str | None = None, key: str | None = None, kind: str = "button"):
        """(node, proto) of the first widget of `kind` with this label or user key, or None."""
        for node, proto in self.elements(kind):
            if label is not None and proto.label == label:
                return node, proto
            if key is not None and proto.id.endswith(f"-{key}"):
                return node, proto
        return None

    def _widget_states(self, only_script: str | None = None) -> list[Any]:
        states = []
        for node, proto in self.elements():
            if proto is None or not getattr(proto, "id", ""):
                continue
            if only_script is not None and node.script_hash != only_script:
                continue
            value = self._values.get(proto.id)
            if value is None:
                continue
            state = WidgetState(id=proto.id)
            _set_state(state, *value)
            states.append(state)
        return states

    # -- sending -----------------------------------------------------------------------------
    async def _rerun(
        self,
        widget_states: list[Any],
        page_hash: str | None = None,
        page_name: str = "",
        fragment_id: str = "",
        auto: bool = False,
    ) -> float:
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query_string
        client.widget_states.widgets.extend(widget_states)
        client.page_script_hash = self.page_hash if page_hash is None else page_hash
        client.page_name = page_name
        client.fragment_id = fragment_id
        client.is_auto_rerun = auto
        client.cached_message_hashes.extend(self._cache)
        info = client.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url = f"{self.base_url}/{self.url_path}"
        info.color_scheme = "light"
        sent = time.monotonic()
        await self._ws.send(msg.SerializeToString())
        self.reruns_sent += 1
        return sent

    async def _wait(self, sent: float, fragment_id: str | None, timeout: float) -> Run:
        """The first run started after `sent` that covers the request (a full run, or a run
        of `fragment_id`) and finished.

        A covering run that ended "early for rerun" still counts once the server has moved on
        to a run that does not cover the request: the request was served by it (a fragment run
        reports "early" when another fragment's poll is queued behind it, after drawing
        everything).
        """

        def covers(run: Run) -> bool:
            return not run.fragment_ids or bool(fragment_id and fragment_id in run.fragment_ids)

        def done() -> Run | None:
            if self.failure is not None:
                raise ProtocolError(f"{self.name}: {self.failure}")
            runs = [r for r in self._runs if r.started >= sent]
            for run, after in zip(runs, [*runs[1:], None]):  # noqa: B905 - one shorter
                if not covers(run):
                    continue
                if run.status is None:
                    continue  # still running (a fragment run may start meanwhile)
                if run.status != FINISHED_EARLY:
                    return run
                if after is None or covers(after):
                    continue  # rerun: wait for that one
                self.served_early += 1
                return run
            return None

        try:
            async with asyncio.timeout(timeout):
                async with self._finished:
                    while (run := done()) is None:
                        await self._finished.wait()
        except TimeoutError:
            since = [
                f"{'fragment' if r.fragment_ids else 'full'}:"
                f"{'running' if r.status is None else int(r.status)}@{r.started - sent:+.1f}s"
                for r in self._runs
                if r.started >= sent - 5
            ]
            later = [r for r in self._runs if r.started >= sent]
            abandoned = any(
                covers(r) and r.status is None and any(o.started > r.started for o in later)
                for r in later
            )
            what = (
                "the server started the run and then went on to other runs without finishing "
                "it (the page stays half updated)"
                if abandoned
                else "no finished run"
            )
            raise ClickTimeout(
                f"{self.name}: {what} within {timeout:.0f} s (runs since: "
                f"{', '.join(since) or 'none'})"
            ) from None
        if run.status == FINISHED_COMPILE_ERROR:
            raise ProtocolError(f"{self.name}: compile error")
        return run

    async def click(
        self,
        label: str | None = None,
        key: str | None = None,
        set_values: dict[str, Any] | None = None,
        timeout: float = 30.0,
    ) -> float:
        """Press a button (by label or user key) and wait for its rerun; returns the latency.

        set_values : {widget label: value} typed into text inputs before the click (kept, as a
            browser keeps what was typed).
        """
        found = self.widget(label, key)
        if found is None:
            raise LookupError(f"{self.name}: no button {label or key!r} on screen")
        node, proto = found
        if proto.disabled:
            raise LookupError(f"{self.name}: button {label or key!r} is disabled")
        for text_label, value in (set_values or {}).items():
            widget = self.widget(text_label, kind="text_input")
            if widget is None:
                raise LookupError(f"{self.name}: no text input {text_label!r}")
            self._values[widget[1].id] = ("string_value", value)
        states = [s for s in self._widget_states() if s.id != proto.id]
        states.append(WidgetState(id=proto.id, trigger_value=True))
        fragment = node.fragment_id
        sent = await self._rerun(states, fragment_id=fragment)
        run = await self._wait(sent, fragment or None, timeout)
        return run.finished - sent

    async def navigate(self, url_path: str, timeout: float = 30.0) -> float:
        """Click the sidebar link to another page; returns the latency."""
        if url_path not in self.pages:
            raise LookupError(f"{self.name}: no page {url_path!r} in {sorted(self.pages)}")
        for _, task in self._timers.values():  # the frontend's onPageChange: cleanupAutoReruns
            task.cancel()
        self._timers.clear()
        self.query_string = ""  # a page change drops the query string; the app writes it back
        self.url_path = url_path
        states = self._widget_states(only_script=self.main_hash)
        sent = await self._rerun(states, page_hash=self.pages[url_path])
        run = await self._wait(sent, None, timeout)
        return run.finished - sent

    # -- fragments that rerun by themselves ----------------------------------------------------
    def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        if not fragment_id:
            return
        current = self._timers.get(fragment_id)
        if current is not None and current[0] == interval:
            return
        self._stop_timer(fragment_id)
        task = asyncio.create_task(self._every(fragment_id, interval))
        self._timers[fragment_id] = (interval, task)

    def _stop_timer(self, fragment_id: str) -> None:
        current = self._timers.pop(fragment_id, None)
        if current is not None:
            current[1].cancel()

    async def _every(self, fragment_id: str, interval: float) -> None:
        while not self._closed:
            await asyncio.sleep(interval)
            if self._ws is None or self.failure is not None:
                return
            try:
                await self._rerun(self._widget_states(), fragment_id=fragment_id, auto=True)
            except Exception:  # noqa: BLE001 - the reader reports a dead socket
                return

    async def wait_for(self, predicate: Callable[[StClient], bool], timeout: float = 30.0) -> float:
        """Wait until `predicate(self)` holds after some run finished; returns the wait."""
        started = time.monotonic()
        try:
            async with asyncio.timeout(timeout):
                async with self._finished:
                    while True:
                        if self.failure is not None:
                            raise ProtocolError(f"{self.name}: {self.failure}")
                        if predicate(self):
                            return time.monotonic() - started
                        await self._finished.wait()
        except TimeoutError:
            raise ClickTimeout(f"{self.name}: condition not met in {timeout:.0f} s") from None

    @property
    def running(self) -> bool:
        return self._run is not None and self._run.status is None
