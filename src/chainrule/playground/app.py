"""The playground's server: a Starlette app with the page's static files and one WebSocket per page.

    GET /              the page (static/index.html); GET /static/... its script, style and KaTeX
    GET /api/limits    the caps the server enforces (JSON)
    WS  /ws            messages, one JSON object each, {"type": ..., "id": ...}; every reply echoes "id"

Messages from the page (each checked in ``limits``; a bad one gets {"type": "error", "message"}):

    configure {config}         a new run (data, network, epoch 0)      → run, frame
    reset                      the same run from epoch 0                → frame
    play {epochs_per_frame}    train, one frame after each chunk        → frame, frame, …
                               (a chunk: that many epochs, fewer if they would take more than
                               TRAINING_S_PER_FRAME, so that frames keep coming at 30 or more a second)
    pause / step               stop / one epoch                         → frame
    drawn                      the page drew a frame (at most 2 frames wait unacknowledged)
    layer {layer, convention}  W, b, A_prev, Z, A, dZ, dW, db, dA_prev  → layer
    conventions                every grads key in both conventions      → conventions
    explain {convention}       the equations and each array's numbers   → explain
    gradcheck {convention}     the per-tensor gradient check            → gradcheck
    audit {filename, source}   the audit of a learner's .py / .ipynb    → audit
    export                     the saved model and the Python lines     → export

The training runs in the event loop between messages (one page, one network: no locks); the
gradient check and the audit run in a worker thread on a copy of the weights (the audit in its
own sandboxed process), one at a time.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING, Any

from chainrule.errors import ChainruleError
from chainrule.playground import limits
from chainrule.playground.session import Session

if TYPE_CHECKING:  # for the annotations only: starlette is the optional extra chainrule[playground], imported in create_app
    from starlette.applications import Starlette
    from starlette.datastructures import Headers
    from starlette.requests import Request
    from starlette.websockets import WebSocket

MAX_UNACKNOWLEDGED = 2  # frames sent and not yet drawn: a page that stops drawing stops the training, not the memory


def missing_dependencies() -> str | None:
    """None when starlette, uvicorn and websockets import; else the line that says how to install them."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
        import websockets  # noqa: F401
    except ImportError as error:
        return f"the playground needs {error.name}: pip install 'chainrule[playground]'"
    return None


def static_folder() -> str:
    return str(resources.files("chainrule.playground") / "static")


class Connection:
    """One page's WebSocket: its Session, the training task, the frames in flight."""

    def __init__(self, websocket: WebSocket) -> None:
        self.ws = websocket
        self._session: Session | None = None
        self.training: asyncio.Task | None = None
        self.epochs_per_frame = 10
        self.seconds_per_epoch = 1e-4  # measured while playing: a frame trains for at most TRAINING_S_PER_FRAME
        self.in_flight = 0
        self.drawn = asyncio.Event()
        self.busy = False  # a gradient check or an audit is running

    @property
    def session(self) -> Session:
        """The page's run: the one its last configure built, else the default one, built at the first message that needs it."""
        if self._session is None:
            self._session = Session()
        return self._session

    async def send(self, payload: dict[str, Any], request: dict[str, Any] | None = None) -> None:
        if request is not None and "id" in request:
            payload = {**payload, "id": request["id"]}
        await self.ws.send_text(json.dumps(_finite(payload), allow_nan=False, separators=(",", ":"), default=_json_default))

    async def frame(self) -> None:
        self.in_flight += 1
        self.drawn.clear()
        await self.send(self.session.frame())

    # -- the training loop ----------------------------------------------------------------------
    async def play(self) -> None:
        interval = 1.0 / limits.MAX_FRAMES_PER_SECOND
        try:
            while True:
                start = time.perf_counter()
                while self.in_flight >= MAX_UNACKNOWLEDGED:
                    await self.drawn.wait()
                epochs = min(self.epochs_per_frame, max(1, int(limits.TRAINING_S_PER_FRAME / self.seconds_per_epoch)))
                try:
                    t0 = time.perf_counter()
                    self.session.run(epochs)
                    self.seconds_per_epoch = 0.5 * self.seconds_per_epoch + 0.5 * (time.perf_counter() - t0) / epochs
                except ChainruleError as error:
                    await self.frame()
                    await self.send({"type": "error", "message": str(error)})
                    return
                await self.frame()
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - start)))
        finally:
            if self.training is asyncio.current_task():
                self.training = None

    def stop(self) -> None:
        if self.training is not None:
            self.training.cancel()
            self.training = None

    # -- messages -------------------------------------------------------------------------------
    async def handle(self, text: str) -> None:
        request: dict[str, Any] | None = None
        try:
            if len(text) > limits.MAX_MESSAGE_BYTES:
                raise ChainruleError(f"a message must be at most {limits.MAX_MESSAGE_BYTES // 1024} KiB; got {len(text) // 1024} KiB")
            try:
                request = json.loads(text)
            except json.JSONDecodeError as error:
                where = f"{error.msg} at character {error.pos}"
                raise ChainruleError(f"a message must be one JSON object; got invalid JSON ({where})") from None
            if not isinstance(request, dict) or not isinstance(request.get("type"), str):
                raise ChainruleError(f'a message must be a JSON object with a "type"; got {limits._short(request)}')
            handler = HANDLERS.get(request["type"])
            if handler is None:
                raise ChainruleError(f"unknown message type {limits._short(request['type'])}; "
                                     f"expected one of {', '.join(HANDLERS)}")
            await handler(self, request)
        except ChainruleError as error:
            await self.send({"type": "error", "message": str(error)}, request if isinstance(request, dict) else None)

    async def on_configure(self, request: dict) -> None:
        self.stop()
        session = Session(request.get("config", {}))  # a bad config leaves the current run as it was
        self._session, self.in_flight = session, 0
        await self.send(session.describe(), request)
        await self.frame()

    async def on_reset(self, request: dict) -> None:
        self.stop()
        self.session.reset()
        self.in_flight = 0
        await self.frame()

    async def on_play(self, request: dict) -> None:
        self.epochs_per_frame = self.session.epochs_for(request.get("epochs_per_frame", self.epochs_per_frame))
        if self.training is None:
            self.training = asyncio.create_task(self.play())

    async def on_speed(self, request: dict) -> None:
        self.epochs_per_frame = self.session.epochs_for(request.get("epochs_per_frame"))

    async def on_pause(self, request: dict) -> None:
        self.stop()
        await self.frame()

    async def on_step(self, request: dict) -> None:
        self.stop()
        self.session.run(1)
        await self.frame()

    async def on_drawn(self, request: dict) -> None:
        self.in_flight = max(0, self.in_flight - 1)
        self.drawn.set()

    async def on_layer(self, request: dict) -> None:
        layer = limits.layer_of(request, self.session.net.L)
        await self.send(self.session.layer(layer, limits.convention_of(request)), request)

    async def on_conventions(self, request: dict) -> None:
        await self.send(self.session.conventions(), request)

    async def on_explain(self, request: dict) -> None:
        await self.send(self.session.explain(limits.convention_of(request)), request)

    async def on_export(self, request: dict) -> None:
        await self.send(self.session.export(), request)

    async def on_gradcheck(self, request: dict) -> None:
        convention = limits.convention_of(request)
        session, net = self.session, self.session.copy_network()  # copied here: training may go on meanwhile
        await self._in_thread(request, lambda: session.gradcheck(convention, net))

    async def on_audit(self, request: dict) -> None:
        filename, source = request.get("filename"), request.get("source")
        session = self.session
        await self._in_thread(request, lambda: session.audit(filename, source))

    async def _in_thread(self, request: dict, work: Callable[[], dict[str, Any]]) -> None:
        if self.busy:
            raise ChainruleError("a gradient check or an audit is already running; wait for its result")
        self.busy = True
        try:
            result = await asyncio.to_thread(work)
        finally:
            self.busy = False
        await self.send(result, request)


HANDLERS = {
    name[3:]: getattr(Connection, name)
    for name in ("on_configure", "on_reset", "on_play", "on_speed", "on_pause", "on_step", "on_drawn", "on_layer", "on_conventions",
                 "on_explain", "on_gradcheck", "on_audit", "on_export")
}  # fmt: skip


def _finite(value: Any) -> Any:
    """The payload with every NaN or infinite float as None (JSON has neither; the page shows "—")."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _json_default(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def allowed_hosts(host: str) -> list[str]:
    """The Host headers the server answers: loopback names and ``host`` itself; any when it listens on every address.

    Refusing other names stops a web page from reaching the server through a DNS name of its own
    that resolves to 127.0.0.1 (DNS rebinding).
    """
    host = host.strip("[]")
    if host in ("0.0.0.0", "::", ""):
        return ["*"]
    return sorted({*LOOPBACK_NAMES, "[::1]", host})


def same_origin(headers: Headers) -> bool:
    """True when a WebSocket request comes from this server's own page (its Origin's host:port is the Host),
    or from a client that is not a browser (no Origin). Browsers let any page open a WebSocket to any
    address: without this check another site could send a learner's machine code to audit."""
    from urllib.parse import urlsplit

    origin = headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == (headers.get("host") or "").lower()


def create_app(host: str = "127.0.0.1") -> Starlette:
    """The Starlette application for a server listening on ``host`` (imports starlette here: it is the optional
    extra chainrule[playground])."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.responses import FileResponse, JSONResponse
    from starlette.routing import Mount, Route, WebSocketRoute
    from starlette.staticfiles import StaticFiles
    from starlette.websockets import WebSocketDisconnect

    folder = static_folder()
    connections = {"open": 0}

    async def index(request: Request) -> FileResponse:
        return FileResponse(f"{folder}/index.html", headers={"Cache-Control": "no-store"})

    async def api_limits(request: Request) -> JSONResponse:
        return JSONResponse({
            "max_hidden_layers": limits.MAX_HIDDEN_LAYERS, "max_units": limits.MAX_UNITS, "min_m": limits.MIN_M,
            "max_m": limits.MAX_M, "max_epochs_per_frame": limits.MAX_EPOCHS_PER_FRAME,
            "max_frames_per_second": limits.MAX_FRAMES_PER_SECOND, "work_per_frame": limits.WORK_PER_FRAME,
            "max_csv_bytes": limits.MAX_CSV_BYTES, "max_source_bytes": limits.MAX_SOURCE_BYTES,
            "max_message_bytes": limits.MAX_MESSAGE_BYTES, "datasets": list(limits.DATASETS),
            "hidden_activations": list(limits.HIDDEN_ACTIVATIONS), "default": limits.Config().to_dict(),
        })  # fmt: skip

    async def ws_endpoint(websocket: WebSocket) -> None:
        if not same_origin(websocket.headers):
            await websocket.close(code=1008, reason="only this server's own page may connect")
            return
        if connections["open"] >= limits.MAX_CONNECTIONS:
            await websocket.close(code=1013, reason=f"at most {limits.MAX_CONNECTIONS} pages at once; close one")
            return
        connections["open"] += 1
        await websocket.accept()
        connection = Connection(websocket)
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:
                    await connection.send({"type": "error", "message": "messages must be JSON text, not binary"})
                    continue
                await connection.handle(text)
        except WebSocketDisconnect:
            pass
        finally:
            connection.stop()
            connections["open"] -= 1

    return Starlette(middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(host))], routes=[
        Route("/", index),
        Route("/api/limits", api_limits),
        WebSocketRoute("/ws", ws_endpoint),
        Mount("/static", StaticFiles(directory=folder), name="static"),
    ])  # fmt: skip


def serve(host: str = "127.0.0.1", port: int = 8765, on_ready: Callable[[str], Any] | None = None) -> None:
    """Run the app with uvicorn on ``host``:``port`` until interrupted; ``on_ready(url)`` once the socket listens.

    The socket is bound here first, so that a port in use is a ChainruleError, not a log line.
    """
    import socket

    import uvicorn

    Session()  # warm: the modules a run needs are imported and the default data set built before the URL is printed

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ChainruleError(f"cannot listen on {host}:{port} ({error.strerror}); choose another --port or --host") from None
    sock.listen(128)
    port = sock.getsockname()[1]
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    config = uvicorn.Config(create_app(host), log_level="warning", ws_max_size=limits.MAX_MESSAGE_BYTES, lifespan="off")

    class Server(uvicorn.Server):
        """uvicorn's server, calling ``on_ready(url)`` once it has started."""

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and on_ready is not None:
                on_ready(url)

    server = Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
