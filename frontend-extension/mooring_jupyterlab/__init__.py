"""Mooring for JupyterLab: the chat side panel (a prebuilt labextension) and the
Jupyter server extension that runs the chat service beside Jupyter and proxies it."""

from ._version import __version__


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "mooring-jupyterlab"}]


def _jupyter_server_extension_points():
    from .app import MooringExtension

    return [{"module": "mooring_jupyterlab", "app": MooringExtension}]


__all__ = ["__version__"]
