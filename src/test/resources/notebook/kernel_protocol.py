"""Talks to the spark-neural Java kernel over the Jupyter protocol and prints what came back, as JSON.

Each cell's stream messages are recorded with the time they arrived, so a test can tell live output from output
delivered only when the cell ends.
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel

CELLS = sys.argv[1:]
km, kc = start_new_kernel(kernel_name="spark-neural-java", startup_timeout=120)
results = []
try:
    for code in CELLS:
        msg_id = kc.execute(code)
        cell = {"code": code, "streams": [], "results": [], "displays": [], "errors": []}
        start = time.time()
        while True:
            msg = kc.get_iopub_msg(timeout=300)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                cell["streams"].append({"t": time.time() - start, "name": content["name"], "text": content["text"]})
            elif kind == "execute_result":
                cell["results"].append(content["data"])
            elif kind == "display_data":
                cell["displays"].append(sorted(content["data"].keys()))
            elif kind == "error":
                cell["errors"].append({"ename": content["ename"], "evalue": content["evalue"],
                                       "traceback": content["traceback"]})
            elif kind == "status" and content["execution_state"] == "idle":
                break
        while True:
            reply = kc.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        cell["reply"] = reply["content"]
        cell["status"] = reply["content"].get("status", "missing")
        results.append(cell)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
print("RESULT " + json.dumps(results))
