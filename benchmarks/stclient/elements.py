"""The element tree of a page, rebuilt from the server's deltas as the frontend does.

Each delta names its place by `metadata.delta_path` (indices from a root container down). A run
that finishes drops the elements it did not draw again (for a fragment run, only inside that
fragment's blocks); the permanent root containers stay.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Node:
    """One node of the element tree: an element (`element` set) or a block (`children`)."""

    element: Any = None  # Element proto, None for a block
    block: Any = None  # Block proto for a block
    run_id: str = ""
    fragment_id: str = ""
    script_hash: str = ""  # which script drew it: app.py (main) or the page
    children: list[Node | None] = field(default_factory=list)


class ElementTree:
    """What one session has on screen."""

    def __init__(self) -> None:
        self.root = Node(block=True)

    def clear(self) -> None:
        """Another page: the frontend's clearAppState."""
        self.root = Node(block=True)

    def clear_page(self, main_hash: str) -> None:
        """The frontend's clearPageElements: drop what the page's script drew, keep what the
        main script (app.py) drew."""
        _drop_page(self.root, main_hash)

    def place(self, path: Sequence[int], node: Node) -> None:
        """Put `node` at `path`, as the frontend's setIn does for a new element or block."""
        parent = self.root
        for index in path[:-1]:
            while len(parent.children) <= index:
                parent.children.append(None)
            child = parent.children[index]
            if child is None or child.block is None:
                child = Node(block=True)  # a root container: permanent (run_id "")
                parent.children[index] = child
            elif child.run_id:
                child.run_id = node.run_id  # every block on the path is current
            parent = child
        index = path[-1]
        while len(parent.children) <= index:
            parent.children.append(None)
        old = parent.children[index]
        if node.block is not None and old is not None and old.block is not None:
            node.children = old.children  # a block drawn again keeps its children until stale
        parent.children[index] = node

    def clear_stale(self, run_id: str, fragments: tuple[str, ...]) -> None:
        """After a run finished: drop what it did not draw again."""
        _clear_stale(self.root, run_id, fragments)

    def walk(self, node: Node | None = None) -> Iterator[Node]:
        """Every element node, in page order."""
        node = node or self.root
        for child in node.children:
            if child is None:
                continue
            if child.element is not None:
                yield child
            else:
                yield from self.walk(child)

    def elements(self, kind: str | None = None) -> Iterator[tuple[Node, Any]]:
        """(node, proto) of every element on screen, of one kind ("button", "markdown", …)."""
        for node in self.walk():
            which = node.element.WhichOneof("type")
            if kind is None or which == kind:
                yield node, getattr(node.element, which) if which else None

    def texts(self) -> list[str]:
        """Every text on screen: markdown and captions, headings, alerts, code, progress."""
        out = []
        for node in self.walk():
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


def _drop_page(node: Node, main_hash: str) -> None:
    """Drop, under `node`, every element or block a run drew from another script than app.py."""
    for i, child in enumerate(node.children):
        if child is None:
            continue
        if child.run_id and child.script_hash != main_hash:
            node.children[i] = None
        elif child.block is not None:
            _drop_page(child, main_hash)


def _clear_stale(node: Node, run_id: str, fragments: tuple[str, ...], inside: bool = False) -> None:
    """The frontend's clearStaleNodes. A full run drops everything it did not draw. A fragment
    run only looks inside the blocks of its fragments that it drew again, and drops there what
    it did not draw; the rest of the page stays."""
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
                _clear_stale(child, run_id, fragments, deeper)
            else:
                node.children[i] = None
        elif fragments:
            if child.fragment_id and inside and not current:
                node.children[i] = None
        elif not current:
            node.children[i] = None
