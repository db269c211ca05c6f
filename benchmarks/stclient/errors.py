"""What goes wrong between the protocol client and the server."""


class ProtocolError(RuntimeError):
    """The server sent something a browser could not have handled, or the socket failed."""


class ClickTimeout(TimeoutError):
    """No run covering the click finished within the timeout."""
