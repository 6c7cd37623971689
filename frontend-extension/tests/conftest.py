import pytest

from .fake_service import start_fake_service

pytest_plugins = ["pytest_jupyter.jupyter_server"]


@pytest.fixture
def fake_service(jp_asyncio_loop):
    """The stand-in service on a loopback port: (port, recorder)."""
    server, port, recorder = start_fake_service()
    yield port, recorder
    recorder.hear.set()
    recorder.accept_upgrades.set()
    server.stop()
