"""Serves the test frontend (build/) with Debian's jupyter_server + jupyterlab_server.

Prebuilt lab extensions are found where JupyterLab looks for them: the `labextensions` folder of
every Jupyter data dir (JUPYTER_PATH first), the same search that finds kernelspecs. Per-run state
(user settings, workspaces) goes to EMBEDSCOPE_LAB_STATE so runs never see each other's layout.

    /usr/bin/python3 server.py --port 8899 --ServerApp.token='' --allow-root
"""
import json
import os

from jupyter_core.paths import jupyter_path
from jupyterlab_server import LabServerApp

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")
STATE = os.environ.get("EMBEDSCOPE_LAB_STATE") or os.path.join(BUILD, "state")

# Configuration files on this machine must not change what the tests see.
os.environ["JUPYTER_NO_CONFIG"] = "1"

with open(os.path.join(HERE, "package.json")) as f:
    VERSION = json.load(f)["version"]


def _jupyter_server_extension_points():
    # jupyter_server 1.x finds the extension app through this hook.
    return [{"module": __name__, "app": EmbedscopeTestLab}]


class EmbedscopeTestLab(LabServerApp):
    name = __name__
    extension_url = "/lab"
    default_url = "/lab"
    app_url = "/lab"
    app_name = "Embedscope test lab"
    app_version = VERSION
    load_other_extensions = False
    static_dir = BUILD
    templates_dir = os.path.join(HERE, "templates")
    schemas_dir = os.path.join(BUILD, "schemas")
    themes_dir = os.path.join(BUILD, "themes")
    # overrides.json: quiet defaults for tests (no news or update checks: the machine is offline).
    app_settings_dir = os.path.join(HERE, "settings")
    user_settings_dir = os.path.join(STATE, "user_settings")
    workspaces_dir = os.path.join(STATE, "workspaces")
    labextensions_path = jupyter_path("labextensions")
    labextensions_url = "/lab/extensions/"


if __name__ == "__main__":
    EmbedscopeTestLab.launch_instance()
