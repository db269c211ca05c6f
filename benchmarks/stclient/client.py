"""StClient: one browser tab's worth of traffic over the websocket, without the browser."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks.stclient.cache import MessageCache
from benchmarks.stclient.connection import open_stream
from benchmarks.stclient.elements import ElementTree, Node
from benchmarks.stclient.errors import ClickTimeout, ProtocolError
from benchmarks.stclient.runs import (
    FINISHED_COMPILE_ERROR,
    FINISHED_EARLY,
    FINISHED_FRAGMENT_OK,
    FINISHED_OK,
    Run,
    served_by,
    why_not_served,
)
from benchmarks.stclient.widgets import WidgetValues

ALERT_ERROR = 1  # Alert.Format.ERROR


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
        self.last_sent = 0.0  # time.monotonic() of the last rerun request sent
        self.served_early = 0  # requests served by a run that ended "early" or unannounced
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._tree = ElementTree()
        self._run: Run | None = None
        self._runs: list[Run] = []
        self._finished = asyncio.Condition()
        self._cache = MessageCache()
        self._values = WidgetValues()
        self._timers: dict[str, tuple[float, asyncio.Task]] = {}
        self._closed = False
        self.failure: BaseException | None = None

    # -- connection ------------------------------------------------------------------------
    async def open(self, path: str = "", query: str = "", timeout: float = 60.0) -> float:
        """Load http://host/<path>?<query> as a browser does; returns the seconds until the
        first run that started after the request finished."""
        started = time.monotonic()
        self._ws = await open_stream(self.host, self.port, timeout)
        self._reader = asyncio.create_task(self._read(), name=f"read-{self.name}")
        self.url_path = path.strip("/")
        self.query_string = query
        sent = await self._rerun(widget_states=[], page_name=self.url_path, page_hash="")
        await self._wait(sent, None, timeout)
        return time.monotonic() - started

    async def close(self) -> None:
        self._closed = True
        self._stop_timers()
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
                await self._handle(self._cache.resolve(msg))
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
            page_hash=session.page_script_hash,
        )
        self._run = run
        self._runs.append(run)
        del self._runs[:-50]
        if session.config.max_cached_message_age:
            self._cache.max_age = session.config.max_cached_message_age
        self.main_hash = session.main_script_hash
        if run.fragment_ids and session.page_script_hash != self.page_hash:
            # The frontend clears the page on a fragment run under another page too (a timer
            # asked for just before the server switched pages), and does not take that page on.
            self._tree.clear_page(self.main_hash)
        if not run.fragment_ids:
            self._stop_timers()  # the frontend's cleanupAutoReruns
            if session.page_script_hash != self._session_page:  # another page: clearAppState
                self._tree.clear()
            self._session_page = session.page_script_hash
            self.page_hash = session.page_script_hash  # until a navigation message says more

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        which = delta.WhichOneof("type")
        if which not in ("new_element", "add_block"):
            return  # transient elements (spinners, toasts)
        node = Node(
            run_id=self._run.run_id if self._run else "",
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
                self._values.drawn(kind, getattr(node.element, kind))
        else:
            node.block = delta.add_block
        self._tree.place(list(msg.metadata.delta_path), node)

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
            self._tree.clear_stale(run.run_id, fragments)
            if not fragments:  # the frontend's removeInactive: forget widgets no longer drawn
                drawn = {getattr(p, "id", "") for _, p in self.elements() if p is not None}
                self._values.keep_only(drawn)
        if status != FINISHED_EARLY:
            self._cache.age(fragments)
        async with self._finished:
            self._finished.notify_all()

    def _error(self, text: str) -> None:
        self.errors.append(text)
        if self.on_error is not None:
            self.on_error(text)

    # -- what is on screen -------------------------------------------------------------------
    def elements(self, kind: str | None = None):
        """(node, proto) of every element on screen, of one kind ("button", "markdown", …)."""
        return self._tree.elements(kind)

    def texts(self) -> list[str]:
        """Every text on screen: markdown and captions, headings, alerts, code, progress."""
        return self._tree.texts()

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

    def widget_states(self, only_script: str | None = None) -> list[WidgetState]:
        """What the next rerun sends: the value of every widget on screen (drawn by one script,
        if given), as a browser's widget manager does."""
        return self._values.states(self.elements(), only_script)

    @property
    def running(self) -> bool:
        return self._run is not None and self._run.status is None

    @property
    def last_run(self) -> Run | None:
        return self._runs[-1] if self._runs else None

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
        client.cached_message_hashes.extend(self._cache.hashes())
        info = client.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url = f"{self.base_url}/{self.url_path}"
        info.color_scheme = "light"
        sent = time.monotonic()
        await self._ws.send(msg.SerializeToString())
        self.reruns_sent += 1
        self.last_sent = sent
        return sent

    async def _wait(self, sent: float, fragment_id: str | None, timeout: float) -> Run:
        """The run that served a request sent at `sent` (see benchmarks.stclient.runs)."""

        def done() -> Run | None:
            if self.failure is not None:
                raise ProtocolError(f"{self.name}: {self.failure}")
            run, early = served_by(self._runs, sent, fragment_id)
            self.served_early += early
            return run

        try:
            async with asyncio.timeout(timeout):
                async with self._finished:
                    while (run := done()) is None:
                        await self._finished.wait()
        except TimeoutError:
            why = why_not_served(self._runs, sent, fragment_id, timeout)
            raise ClickTimeout(f"{self.name}: {why}") from None
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
            self._values.type_text(widget[1].id, value)
        states = [s for s in self.widget_states() if s.id != proto.id]
        states.append(WidgetState(id=proto.id, trigger_value=True))
        return await self._request(states, node.fragment_id, timeout)

    async def change(self, key: str, value: Any, timeout: float = 30.0) -> float:
        """Set the widget with this user key as a user does (a slider's number or option label, a
        number or text typed) and wait for its rerun; returns the latency."""
        for kind in ("slider", "number_input", "text_input"):
            if found := self.widget(key=key, kind=kind):
                break
        else:
            raise LookupError(f"{self.name}: no slider or input {key!r} on screen")
        node, proto = found
        if proto.disabled:
            raise LookupError(f"{self.name}: {key!r} is disabled")
        self._values.set_by_user(kind, proto, value)
        return await self._request(self.widget_states(), node.fragment_id, timeout)

    async def _request(self, states: list[WidgetState], fragment: str, timeout: float) -> float:
        """A rerun with these widget states (in a fragment, if any), waited for; its latency."""
        sent = await self._rerun(states, fragment_id=fragment)
        run = await self._wait(sent, fragment or None, timeout)
        return run.finished - sent

    async def navigate(self, url_path: str, timeout: float = 30.0) -> float:
        """Click the sidebar link to another page; returns the latency."""
        if url_path not in self.pages:
            raise LookupError(f"{self.name}: no page {url_path!r} in {sorted(self.pages)}")
        self._stop_timers()  # the frontend's onPageChange: cleanupAutoReruns
        self.query_string = ""  # a page change drops the query string; the app writes it back
        self.url_path = url_path
        states = self.widget_states(only_script=self.main_hash)
        sent = await self._rerun(states, page_hash=self.pages[url_path])
        run = await self._wait(sent, None, timeout)
        return run.finished - sent

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

    def _stop_timers(self) -> None:
        for _, task in self._timers.values():
            task.cancel()
        self._timers.clear()

    async def _every(self, fragment_id: str, interval: float) -> None:
        while not self._closed:
            await asyncio.sleep(interval)
            if self._ws is None or self.failure is not None:
                return
            try:
                await self._rerun(self.widget_states(), fragment_id=fragment_id, auto=True)
            except Exception:  # noqa: BLE001 - the reader reports a dead socket
                return
