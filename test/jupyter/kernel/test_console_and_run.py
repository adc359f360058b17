"""The installed kernel through Jupyter's command-line frontends: `jupyter kernelspec list`,
`jupyter console` fed on stdin, and `jupyter run` on a file of commands — which never sends
shutdown, so the kernel must leave on its own when its parent exits."""
import json
import os
import re
import subprocess
import tempfile
import time
import unittest

JUPYTER = ["/usr/bin/python3", "-m", "jupyter"]


def kernel_processes(marker):
    """PIDs of kernel processes whose command line mentions `marker` (the runtime folder)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().decode(errors="replace")
        except OSError:
            continue
        if "kernel.js" in cmd and marker in cmd:
            found.append(int(pid))
    return found


class FrontendTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="embedscope-frontends-")
        self.env = dict(os.environ)
        # A database and a runtime folder (connection files) of this test alone.
        self.env["EMBEDSCOPE_DB"] = os.path.join(self.tmp.name, "runs.duckdb")
        self.env["JUPYTER_RUNTIME_DIR"] = os.path.join(self.tmp.name, "runtime")

    def tearDown(self):
        self.tmp.cleanup()

    def run_jupyter(self, args, stdin="", timeout=120):
        return subprocess.run(JUPYTER + args, input=stdin, capture_output=True, text=True, env=self.env, timeout=timeout, cwd=self.tmp.name)

    def test_kernelspec_list_finds_the_install(self):
        result = self.run_jupyter(["kernelspec", "list", "--json"])
        self.assertEqual(result.returncode, 0, result.stderr)
        specs = json.loads(result.stdout)["kernelspecs"]
        self.assertIn("embedscope", specs)
        spec = specs["embedscope"]["spec"]
        self.assertEqual(spec["display_name"], "Embedscope")
        self.assertEqual(spec["language"], "embedscope")
        self.assertEqual(spec["interrupt_mode"], "message")
        self.assertTrue(spec["argv"][1].endswith("kernel.js"))
        self.assertEqual(spec["argv"][2], "{connection_file}")

    def test_console_prints_the_run_summary(self):
        result = self.run_jupyter(["console", "--kernel", "embedscope", "--simple-prompt"], stdin="%project demo reducer=pca\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"run [0-9a-f]{8} completed: pca · 778 points · demo · coloured by")
        self.assertNotIn("Traceback", result.stderr)

    def test_console_shows_a_cell_error_with_its_caret(self):
        result = self.run_jupyter(["console", "--kernel", "embedscope", "--simple-prompt"], stdin="%projet demo\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("%projet demo\n^^^^^^^\nunknown command '%projet'; did you mean %project?", result.stderr)

    def test_run_executes_a_file_and_the_kernel_exits(self):
        path = os.path.join(self.tmp.name, "explore.embedscope")
        with open(path, "w") as f:
            # `jupyter run` gives a file 10 s in all (jupyter_client's OUTPUT_TIMEOUT): keep it small.
            f.write("# project the demo, then list the runs\n%project demo reducer=pca sample=300 color_by=source_dir\n%runs\n")
        t0 = time.time()
        result = self.run_jupyter(["run", "--kernel", "embedscope", path])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"\nstatus +completed\n")
        self.assertRegex(result.stdout, r"run [0-9a-f]{8} completed: pca · 300 of 778 points · demo · coloured by source_dir")
        self.assertRegex(result.stdout, r"ID\s+STATUS\s+REDUCER")
        # `jupyter run` never sends shutdown_request: the kernel notices its parent is gone.
        deadline = time.time() + 10
        while kernel_processes(self.env["JUPYTER_RUNTIME_DIR"]) and time.time() < deadline:
            time.sleep(0.2)
        self.assertEqual(kernel_processes(self.env["JUPYTER_RUNTIME_DIR"]), [], "the kernel outlived `jupyter run`")
        print("\n  jupyter run + kernel exit: %.1f s" % (time.time() - t0))

    def test_run_fails_on_an_error(self):
        path = os.path.join(self.tmp.name, "bad.embedscope")
        with open(path, "w") as f:
            f.write("%show nosuchrun\n")
        result = self.run_jupyter(["run", "--kernel", "embedscope", path])
        self.assertNotEqual(result.returncode, 0)
        self.assertRegex(result.stdout + result.stderr, r"NotFoundError: run 'nosuchrun' not found|not found")


if __name__ == "__main__":
    unittest.main()
