"""``chainrule playground``: a local page that trains a network live and shows every matrix of its backward pass."""

from __future__ import annotations

import threading
import webbrowser

import typer

from chainrule.cli.common import err_console, print_error, user_errors
from chainrule.cli.root import app
from chainrule.validation import check_integer


@app.command()
def playground(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (127.0.0.1: this computer only)."),
    port: int = typer.Option(8765, help="Port to listen on (0: any free port)."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Do not open the page in the default browser."),
) -> None:
    """Train a network in the browser: the flower by default, its W, Z, A, dZ, dW, db, dA_prev in both conventions.

    Prints the page's URL as its first line, then serves until Ctrl+C. Needs Starlette, uvicorn and
    websockets: pip install 'chainrule\\[playground]'.
    """
    with user_errors():
        from chainrule.playground.app import missing_dependencies, serve

        missing = missing_dependencies()
        if missing:
            print_error(missing)
            raise typer.Exit(2)
        check_integer(port, "--port", 0, maximum=65535)

        def ready(url: str) -> None:
            print(url, flush=True)
            if host not in ("127.0.0.1", "localhost", "::1"):
                err_console.print(f"listening on {host}: other computers that reach this address can use the page", highlight=False)
            err_console.print("chainrule playground: press Ctrl+C to stop", highlight=False)
            if not no_browser:
                threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

        try:
            serve(host, port, on_ready=ready)
        except KeyboardInterrupt:
            pass
