"""The Jupyter server of the end-to-end tests: Galata's test configuration, plus Mooring's.

Galata's helper removes every protection (no token, no XSRF check) and loads its
in-page helpers; never use it outside tests. The fixture that starts JupyterLab
(e2e/jupyter-lab.mjs) gives the port, the root folder, the workspaces folder and a
token on the command line, one of each per test worker: the browser reaches the
service through Jupyter's login, as it does outside the tests.
"""
from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 (c is the config object Jupyter provides)

c.LabApp.news_url = None  # noqa: F821
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"  # noqa: F821
# A killed service is back within a second or two.
c.MooringExtension.restart_initial_delay = 0.5  # noqa: F821
c.MooringExtension.restart_max_delay = 2  # noqa: F821
