#!/usr/bin/env python3
"""Loads braked's public page in a real headless chromium and prints what the page concluded, as JSON.

Used by Tests/IntegrationTests/PublicPageTests.swift. Chromium is driven over the DevTools protocol on
a pipe (--remote-debugging-pipe: requests on fd 3, replies on fd 4, each a JSON text ended by a NUL),
so no port and no extra package is needed. The script waits until the page says it is done
(`<body data-state="done">`), with a deadline, then reads each verdict the page marked on its items.

Optionally it puts a fixture proxy of its own between the browser and the node:
  --tamper-proof   flips one bit of the first hash of every inclusion proof the node serves;
  --tamper-note    flips one bit of the first cosignature in the checkpoint's signed note;
  --tamper-history flips one bit of the first signature of every amendment or revocation that
                   /v1/charter/history serves;
With --vectors DIR, it also runs the page's own verifier (/page/verify.js, in the browser) on every
transparency-dev inclusion vector in DIR and on the cosignature example of Specs/log.md 7.4.
And, to see the page follow the event stream: --submit ENVELOPE --socket SOCK posts a declaration to the
node's Unix socket once the page is done, then waits until the page shows one more open motion, with no
reload, before it reports.
"""
import argparse
import base64
import hashlib
import http.client
import http.server
import json
import os
import socket
import sys
import tempfile
import threading
import time
import urllib.parse

REPORT = """JSON.stringify({
  state: document.body.dataset.state,
  status: document.getElementById('status').textContent,
  checkpoint: (() => { const c = document.getElementById('checkpoint-verdict');
    return c ? { verified: c.dataset.verified, why: c.querySelector('.why').textContent } : null; })(),
  cosigners: [...document.querySelectorAll('li.cosigner')].map(li => ({ node: li.dataset.node, verified: li.dataset.verified })),
  pauses: [...document.querySelectorAll('article.pause')].map(a => ({
    id: a.dataset.pauseId, inForce: a.dataset.inForce, verified: a.dataset.verified,
    why: a.querySelector('.why').textContent })),
  motions: [...document.querySelectorAll('article.motion')].map(a => a.dataset.motionId),
  compliance: [...document.querySelectorAll('#compliance tr[data-party]')].map(tr => tr.dataset.party),
  chain: (() => { const c = document.getElementById('charter-chain'); return c ? c.dataset.verified : null; })(),
  charters: [...document.querySelectorAll('li.charter-step')].map(li => ({
    id: li.dataset.charterId, index: li.dataset.index, verified: li.dataset.verified,
    changes: [...li.querySelectorAll('ul li')].map(c => c.textContent) })),
})"""


def tamper_note(note):
    """Flips one bit of the signature bytes (past the key ID and time) of the note's first cosignature."""
    body, signatures = note.split("\n\n", 1)
    first, rest = signatures.split("\n", 1)
    prefix, encoded = first.rsplit(" ", 1)
    blob = bytearray(base64.b64decode(encoded))
    blob[20] ^= 0x01
    return body + "\n\n" + prefix + " " + base64.b64encode(bytes(blob)).decode() + "\n" + rest


def vectors_expression(directory):
    """A JavaScript expression that runs verify.js on the vectors and yields the outcomes as JSON."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    inclusion = []
    for root, _, files in os.walk(directory):
        for name in sorted(files):
            if name.endswith(".json"):
                with open(os.path.join(root, name)) as f:
                    vector = json.load(f)
                vector["file"] = os.path.relpath(os.path.join(root, name), directory)
                inclusion.append(vector)
    public = Ed25519PrivateKey.from_private_bytes(bytes([7] * 32)).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    empty_root = base64.b64encode(hashlib.sha256(b"").digest()).decode()
    cosigned = {  # Specs/log.md 7.4
        "checkpoint": {"size": 3, "root": empty_root, "note": f"brake-test\n3\n{empty_root}\n\n\u2014 brake-test/node-1 "
                       "5bjT3AAAAABlU/EAqlzKfmHxTa+DdeZ9hvAnWy+SA4pBCmFJBo2qXQJ4CN9SOhNCwrWOTG5P+eh3vRV0H44e9gPlbgX092dvGVzXBg==\n"},
        "charter": {"federation": "brake-test", "nodes": [{"id": "node-1", "checkpointKey": base64.b64encode(public).decode()}]},
    }
    return """(async () => {
  const v = await import('/page/verify.js');
  const decode = (text) => { try { return v.fromBase64(text ?? ''); } catch { return new Uint8Array(0); } };
  const inclusion = [];
  for (const t of %s) {
    let failed;
    try {
      failed = (await v.inclusionFailure(t.leafIdx, t.treeSize, decode(t.leafHash), (t.proof ?? []).map(decode), decode(t.root))) !== null;
    } catch (error) { failed = true; }
    inclusion.push({ file: t.file, wantErr: !!t.wantErr, failed });
  }
  const c = %s;
  const cosignature = await v.verifyCheckpoint(c.checkpoint, c.charter);
  return JSON.stringify({ inclusion, cosignature });
})()""" % (json.dumps(inclusion), json.dumps(cosigned))


def start_proxy(upstream, tamper, tamper_cosignature, tamper_history=False):
    target = urllib.parse.urlsplit(upstream)

    class Proxy(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            connection.request("GET", self.path, headers={"Accept": self.headers.get("Accept", "*/*")})
            response = connection.getresponse()
            path = urllib.parse.urlsplit(self.path).path
            if path == "/v1/events":
                self.send_response(response.status)
                self.send_header("Content-Type", response.getheader("Content-Type", "text/event-stream"))
                self.send_header("Connection", "close")
                self.end_headers()
                while True:
                    chunk = response.read1(4096)
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    self.wfile.flush()
                return
            body = response.read()
            if response.status == 200 and path == "/v1/proof/inclusion" and tamper:
                proof = json.loads(body)
                hashes = proof["hashes"]
                if not hashes:
                    sys.exit("page_check: an inclusion proof with no hashes cannot be tampered with")
                first = bytearray(base64.b64decode(hashes[0]))
                first[0] ^= 0x01
                hashes[0] = base64.b64encode(bytes(first)).decode()
                body = json.dumps(proof).encode()
            if response.status == 200 and path == "/v1/charter/history" and tamper_history:
                history = json.loads(body)
                for item in history["charters"]:
                    declaration = item.get("declaration")
                    if declaration and declaration["signatures"]:
                        sig = bytearray(base64.b64decode(declaration["signatures"][0]["sig"]))
                        sig[5] ^= 0x01
                        declaration["signatures"][0]["sig"] = base64.b64encode(bytes(sig)).decode()
                body = json.dumps(history).encode()
            if response.status == 200 and path == "/v1/checkpoint" and tamper_cosignature:
                checkpoint = json.loads(body)
                checkpoint["note"] = tamper_note(checkpoint["note"])
                body = json.dumps(checkpoint).encode()
            self.send_response(response.status)
            for name in ("Content-Type", "Content-Security-Policy", "Retry-After"):
                if response.getheader(name):
                    self.send_header(name, response.getheader(name))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def submit(socket_path, envelope_path):
    class UnixConnection(http.client.HTTPConnection):
        def connect(self):
            self.sock = socket.socket(socket.AF_UNIX)
            self.sock.connect(socket_path)

    with open(envelope_path, "rb") as f:
        body = f.read()
    connection = UnixConnection("localhost", timeout=30)
    connection.request("POST", "/v1/declarations", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    if response.status not in (200, 202):
        sys.exit(f"page_check: the node refused the declaration: {response.status} {response.read()!r}")


class Browser:
    """Chromium over --remote-debugging-pipe."""

    def __init__(self, chromium, url):
        self.profile = tempfile.TemporaryDirectory(prefix="brake-chromium-")
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        devnull = os.open(os.devnull, os.O_RDWR)
        actions = [
            (os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2),
            (os.POSIX_SPAWN_DUP2, to_browser_r, 3), (os.POSIX_SPAWN_DUP2, from_browser_w, 4),
        ]
        arguments = [
            chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--remote-debugging-pipe", f"--user-data-dir={self.profile.name}", url,
        ]
        self.pid = os.posix_spawn(chromium, arguments, os.environ, file_actions=actions)
        for fd in (to_browser_r, from_browser_w, devnull):
            os.close(fd)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def call(self, method, params=None, session=None, deadline=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.read(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def read(self, deadline):
        while b"\0" not in self.buffer:
            if deadline and time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self.from_browser, 65536)
            if not chunk:
                raise RuntimeError("chromium closed its pipe")
            self.buffer += chunk
        text, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(text)

    def close(self):
        try:
            self.call("Browser.close", deadline=time.monotonic() + 5)
        except Exception:
            pass
        for _ in range(50):
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                break
            time.sleep(0.1)
        else:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        self.profile.cleanup()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--url", required=True, help="the node's public listener, http://HOST:PORT")
    parser.add_argument("--tamper-proof", action="store_true")
    parser.add_argument("--tamper-note", action="store_true")
    parser.add_argument("--tamper-history", action="store_true")
    parser.add_argument("--vectors", help="Tests/Vectors/merkle/inclusion, to run verify.js on")
    parser.add_argument("--submit", help="a DSSE envelope to post once the page is done")
    parser.add_argument("--socket", help="the node's Unix socket, for --submit")
    parser.add_argument("--timeout", type=float, default=40)
    options = parser.parse_args()
    deadline = time.monotonic() + options.timeout
    url = options.url
    if options.tamper_proof or options.tamper_note or options.tamper_history:
        url = start_proxy(url, options.tamper_proof, options.tamper_note, options.tamper_history)
    browser = Browser(options.chromium, url + "/")
    try:
        page = None
        while page is None:
            targets = browser.call("Target.getTargets", deadline=deadline)["targetInfos"]
            page = next((t for t in targets if t["type"] == "page" and t["url"].startswith(url)), None)
            if page is None:
                time.sleep(0.1)
        session = browser.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True}, deadline=deadline)["sessionId"]
        browser.call("Runtime.enable", session=session, deadline=deadline)
        state = None
        while state != "done":
            if time.monotonic() > deadline:
                raise TimeoutError(f"the page never said it was done (state {state})")
            result = browser.call("Runtime.evaluate", {"expression": "document.body ? document.body.dataset.state : null", "returnByValue": True},
                                  session=session, deadline=deadline)
            state = result["result"].get("value")
            if state != "done":
                time.sleep(0.2)
        count = "document.querySelectorAll('article.motion').length"
        if options.submit:
            before = browser.call("Runtime.evaluate", {"expression": count, "returnByValue": True}, session=session, deadline=deadline)
            submit(options.socket, options.submit)
            shown = before["result"]["value"]
            while shown <= before["result"]["value"]:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the page still shows {shown} open motions after the submission")
                time.sleep(0.2)
                shown = browser.call("Runtime.evaluate", {"expression": count, "returnByValue": True}, session=session, deadline=deadline)["result"]["value"]
        result = browser.call("Runtime.evaluate", {"expression": REPORT, "returnByValue": True}, session=session, deadline=deadline)
        report = json.loads(result["result"]["value"])
        if options.vectors:
            result = browser.call("Runtime.evaluate", {"expression": vectors_expression(options.vectors), "returnByValue": True, "awaitPromise": True},
                                  session=session, deadline=deadline)
            report["vectors"] = json.loads(result["result"]["value"])
        report["errors"] = [
            e["params"].get("exceptionDetails", {}).get("exception", {}).get("description", "")
            for e in browser.events if e.get("method") == "Runtime.exceptionThrown"
        ]
        print(json.dumps(report))
    finally:
        browser.close()


if __name__ == "__main__":
    main()
