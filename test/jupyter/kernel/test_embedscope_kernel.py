"""Jupyter's own conformance suite (jupyter_kernel_test) against the installed `embedscope` kernel,
plus checks of what only this kernel does: progress displays, the run bundle, interrupts while a
projection runs, and the `embedscope` comm.

Run through `npm run test:kernel` (it installs the kernelspec into a temporary JUPYTER_PATH and
points EMBEDSCOPE_DB at a temporary database).
"""
import json
import time
import unittest
import uuid
from queue import Empty

import jupyter_kernel_test
from jupyter_kernel_test.msgspec_v5 import validate_message

RUN_MIME = "application/vnd.embedscope.run+json"


def collect_iopub(kc, msg_id, timeout=60):
    """All iopub messages answering msg_id, up to its idle status."""
    messages = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        except Empty:
            break
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        validate_message(msg, msg["msg_type"], msg_id)
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages
    raise AssertionError("no idle status for %s; got %s" % (msg_id, [m["msg_type"] for m in messages]))


def shell_reply(kc, msg_id, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply
    raise AssertionError("no shell reply for %s" % msg_id)


class EmbedscopeKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "embedscope"
    language_name = "embedscope"
    file_extension = ".embedscope"

    completion_samples = [
        {"text": "%pro", "matches": {"%project"}},
        {"text": "%", "matches": {"%project", "%runs", "%show", "%color", "%similar", "%export", "%delete", "%help"}},
        {"text": "%project demo reducer=", "matches": {"pca", "umap", "tsne"}},
        {"text": "%project demo metric=c", "matches": {"cosine"}},
        {"text": "%help co", "matches": {"color"}},
        {"text": "%show 3f2a ", "matches": {"color_by="}},
    ]
    complete_code_samples = ["%runs", "%project demo reducer=pca", "%help project", "# only a comment", "%project demo\n%runs"]
    incomplete_code_samples = ["%project demo label='half a label", '%project "my file']
    invalid_code_samples = ["%projet demo", "%project demo reducer=pcaa", "project demo", "%runs extra"]

    code_execute_result = [{"code": "%help runs", "result": "%runs\n  list stored runs\n  examples:\n    %runs"}]
    code_generate_error = "%show nosuchrun"
    code_inspect_sample = "%project demo"
    # `%show <run>` outputs only the run bundle; set in setUpClass once a run exists.
    code_display_data = []

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        msg_id = cls.kc.execute("%project demo reducer=pca color_by=source_dir")
        reply = shell_reply(cls.kc, msg_id)
        assert reply["content"]["status"] == "ok", reply["content"]
        bundles = [m["content"]["data"] for m in collect_iopub(cls.kc, msg_id) if m["msg_type"] == "display_data" and RUN_MIME in m["content"]["data"]]
        cls.run_id = bundles[0][RUN_MIME]["runId"]
        show = "%show " + cls.run_id[:8]
        cls.code_display_data = [
            {"code": "%project demo reducer=pca", "mime": "text/plain"},
            {"code": show, "mime": "image/png"},
            {"code": show, "mime": RUN_MIME},
        ]

    def execute(self, code, timeout=60):
        self.flush_channels()
        msg_id = self.kc.execute(code)
        reply = shell_reply(self.kc, msg_id, timeout)
        validate_message(reply, "execute_reply", msg_id)
        return reply, collect_iopub(self.kc, msg_id, timeout)

    def test_error_points_at_the_word(self):
        reply, output = self.execute("%project demo reducr=umap")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "CellError")
        errors = [m for m in output if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["content"]["traceback"][:2], ["%project demo reducr=umap", "              ^^^^^^"])
        self.assertIn("did you mean 'reducer'", errors[0]["content"]["evalue"])

    def test_project_outputs_progress_then_the_run_bundle(self):
        reply, output = self.execute("%project demo reducer=pca color_by=filetype")
        self.assertEqual(reply["content"]["status"], "ok")
        kinds = [m["msg_type"] for m in output]
        self.assertEqual(kinds[:3], ["status", "execute_input", "display_data"])
        progress = output[2]["content"]
        display_id = progress["transient"]["display_id"]
        self.assertRegex(progress["data"]["text/plain"], r"^run [0-9a-f]{8} · pca: starting$")
        updates = [m["content"] for m in output if m["msg_type"] == "update_display_data"]
        self.assertTrue(updates)
        self.assertTrue(all(u["transient"]["display_id"] == display_id for u in updates))
        self.assertRegex(updates[-1]["data"]["text/plain"], r"pca: done after [0-9.]+ s$")
        bundle = [m["content"]["data"] for m in output if m["msg_type"] == "display_data" and RUN_MIME in m["content"]["data"]][0]
        self.assertEqual(bundle[RUN_MIME]["version"], 1)
        self.assertEqual(bundle[RUN_MIME]["colorBy"], "filetype")
        self.assertEqual(bundle[RUN_MIME]["pointCount"], 778)
        self.assertTrue(bundle["image/png"].startswith("iVBORw0KGgo"))  # base64 of the PNG signature
        self.assertRegex(bundle["text/plain"], r"\nstatus +completed\n")
        self.assertNotIn("components", bundle["text/plain"])  # the fitted model stays out of the summary
        result = [m["content"] for m in output if m["msg_type"] == "execute_result"][0]
        self.assertEqual(result["execution_count"], reply["content"]["execution_count"])
        self.assertRegex(result["data"]["text/plain"], r"^run [0-9a-f]{8} completed: pca · 778 points · demo · coloured by filetype$")

    def test_interrupt_cancels_a_running_tsne_while_the_kernel_stays_responsive(self):
        self.flush_channels()
        msg_id = self.kc.execute("%project demo reducer=tsne iterations=20000")
        # Wait until the projection runs (its progress line is out).
        deadline = time.time() + 30
        started = False
        while time.time() < deadline and not started:
            msg = self.kc.get_iopub_msg(timeout=30)
            started = msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "update_display_data" and "layout" in msg["content"]["data"]["text/plain"]
        self.assertTrue(started, "t-SNE never reached its layout phase")

        # kernel_info on shell and on control, answered while t-SNE runs.
        for channel in ("shell", "control"):
            t0 = time.time()
            if channel == "shell":
                info_id = self.kc.kernel_info()
                info = shell_reply(self.kc, info_id, 5)
            else:
                msg = self.kc.session.msg("kernel_info_request", {})
                self.kc.control_channel.send(msg)
                info = self.kc.get_control_msg(timeout=5)
            self.assertEqual(info["content"]["status"], "ok")
            latency = time.time() - t0
            print("\n  kernel_info on %s during t-SNE: %.0f ms" % (channel, latency * 1000), end="")
            self.assertLess(latency, 1.0, "kernel_info on %s took too long" % channel)

        t0 = time.time()
        self.km.interrupt_kernel()  # interrupt_mode "message": an interrupt_request on control
        reply = shell_reply(self.kc, msg_id, 15)
        print("\n  interrupt → execute_reply: %.0f ms " % ((time.time() - t0) * 1000), end="")
        self.assertLess(time.time() - t0, 10.0)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertRegex(reply["content"]["evalue"], r"cancelled run [0-9a-f-]{36}")

        # The run is recorded as cancelled and the kernel carries on.
        reply, output = self.execute("%runs")
        table = [m["content"]["data"]["text/plain"] for m in output if m["msg_type"] == "execute_result"][0]
        self.assertRegex(table, r"cancelled\s+tsne")

    def test_comm_serves_the_engine_protocol(self):
        self.flush_channels()
        comm_id = uuid.uuid4().hex
        self.kc.shell_channel.send(self.kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "embedscope", "data": {}}))
        request = {"type": "request", "id": 7, "method": "points.get", "params": {"runId": self.run_id}}
        msg = self.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"json": json.dumps(request)}})
        self.kc.shell_channel.send(msg)
        deadline = time.time() + 30
        reply = None
        while time.time() < deadline and reply is None:
            m = self.kc.get_iopub_msg(timeout=30)
            if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id:
                body = json.loads(m["content"]["data"]["json"])
                if body.get("type") == "reply" and body.get("id") == 7:
                    reply = (body, m["buffers"])
        self.assertIsNotNone(reply)
        body, buffers = reply
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["result"]["count"], 778)
        self.assertEqual(body["result"]["x"], {"$bin": 0, "type": "Float32Array"})
        self.assertEqual(len(buffers), 2)
        self.assertEqual(len(buffers[0]), 778 * 4)

        info_id = self.kc.comm_info(target_name="embedscope")
        info = shell_reply(self.kc, info_id)
        self.assertIn(comm_id, info["content"]["comms"])
        self.kc.shell_channel.send(self.kc.session.msg("comm_close", {"comm_id": comm_id, "data": {}}))
        time.sleep(0.3)
        info = shell_reply(self.kc, self.kc.comm_info(target_name="embedscope"))
        self.assertNotIn(comm_id, info["content"]["comms"])


if __name__ == "__main__":
    unittest.main()
