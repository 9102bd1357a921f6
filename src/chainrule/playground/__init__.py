"""The chainrule playground: train a network live in the browser and see every matrix of its backward pass.

``chainrule playground`` (or ``chainrule.playground.serve()``) starts a local server
(``chainrule[playground]``: Starlette, uvicorn, websockets) and its page. The page draws what the
server computes with chainrule's own code (``session``); the server checks every message and caps
the work each may start (``limits``); ``app`` holds the routes and the WebSocket protocol.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chainrule.playground.limits import Config, parse_config
from chainrule.playground.session import Session

if TYPE_CHECKING:  # for the annotation only: starlette is the optional extra chainrule[playground], imported when the app is made
    from starlette.applications import Starlette


def create_app() -> Starlette:
    """The Starlette application of the playground (needs chainrule[playground])."""
    from chainrule.playground.app import create_app as create

    return create()


def serve(host: str = "127.0.0.1", port: int = 8765, on_ready: Callable[[str], Any] | None = None) -> None:
    """Serve the playground on host:port until interrupted (needs chainrule[playground])."""
    from chainrule.playground.app import serve as run

    run(host, port, on_ready)


__all__ = ["Config", "Session", "create_app", "parse_config", "serve"]
