"""The chainrule playground: train a network live in the browser and see every matrix of its backward pass.

``chainrule playground`` (or ``chainrule.playground.serve()``) starts a local server
(``chainrule[playground]``: Starlette, uvicorn, websockets) and its page. The page draws what the
server computes with chainrule's own code (``session``); the server checks every message and caps
the work each may start (``limits``); ``app`` holds the routes and the WebSocket protocol.
"""

from __future__ import annotations

from chainrule.playground.limits import Config, parse_config
from chainrule.playground.session import Session


def create_app():
    """The Starlette application of the playground (needs chainrule[playground])."""
    from chainrule.playground.app import create_app as create

    return create()


def serve(host: str = "127.0.0.1", port: int = 8765, on_ready=None) -> None:
    """Serve the playground on host:port until interrupted (needs chainrule[playground])."""
    from chainrule.playground.app import serve as run

    run(host, port, on_ready)


__all__ = ["Config", "Session", "create_app", "parse_config", "serve"]
