#!/usr/bin/python3
"""Opens an HTML report in headless Chromium and prints what a test checks, as JSON.

    report_page.py PAGE.html SCREENSHOT.png > facts.json

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: messages
are JSON ended by a NUL byte on fds 3 and 4), with the standard library only. The page is
loaded from its file, a 1280x2000 screenshot is saved, and the facts (the timeline's points,
the failed files listed, any <script> or <img> element) are printed. Exits 1, naming each, when
the page logged a console error, threw, or made a network request (anything other than the
page's own file); 2 when Chromium could not be driven at all.
"""

import base64
import fcntl
import json
import os
import pathlib
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT = 30  # seconds for the whole page: a slow machine under load, not a hang

FACTS = r"""JSON.stringify({
  title: document.title,
  points: [...document.querySelectorAll('circle.tl-point')].map(c => Number(c.dataset.seconds)),
  in_flight: [...document.querySelectorAll('circle.tl-point')].map(c => Number(c.dataset.inFlight)),
  point_tracked: [...document.querySelectorAll('circle.tl-point')].map(c => Number(c.dataset.tracked)),
  point_titles: [...document.querySelectorAll('circle.tl-point title')].map(t => t.textContent),
  failed: [...document.querySelectorAll('#failed-files tr.failure td.path')].map(td => td.textContent),
  skipped: [...document.querySelectorAll('#skipped-files tr.skip td.path')].map(td => td.textContent),
  failure_codes: Object.fromEntries([...document.querySelectorAll('tr.failure-code')].map(
      tr => [tr.dataset.code, Number(tr.cells[1].textContent)])),
  stages: [...document.querySelectorAll('rect.stage')].map(r => r.dataset.stage),
  file_bars: document.querySelectorAll('rect.file-bar').length,
  site_bars: document.querySelectorAll('rect.site').length,
  pinned_site_bars: document.querySelectorAll('rect.site.pinned').length,
  leak_bars: document.querySelectorAll('#leaks rect.leak').length,
  pinned_leak_bars: document.querySelectorAll('#leaks rect.leak.pinned').length,
  leak_rows: [...document.querySelectorAll('#leaks tr.leak-row')].map(tr => tr.textContent),
  images_per_second: ([...document.querySelectorAll('.card')].find(
      c => c.querySelector('span') && c.querySelector('span').textContent === 'images/s') || {
      querySelector: () => ({textContent: null})}).querySelector('b').textContent,
  verdict: document.getElementById('verdict') ? document.getElementById('verdict').dataset.leaked : null,
  scripts: document.querySelectorAll('script').length,
  images: document.querySelectorAll('img, iframe, object, embed').length,
  command: document.getElementById('command') ? document.getElementById('command').textContent : null,
  text: document.body.innerText,
  width: document.documentElement.scrollWidth,
})"""


class Browser:
    def __init__(self, profile):
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4: its ends are moved there
        # in the child, from numbers above 10 so that no move overwrites the other end.
        child_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.process = subprocess.Popen(
            [
                shutil.which("chromium") or "chromium",
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank",
            ],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # dup2 leaves fds 3 and 4 open across exec; every other fd Python made is close-on-exec.
            close_fds=False,
            preexec_fn=lambda: (os.dup2(child_r, 3), os.dup2(child_w, 4)),
        )
        os.close(child_r)
        os.close(child_w)
        self.write = os.fdopen(to_chrome_w, "wb", buffering=0)
        self.read = os.fdopen(from_chrome_r, "rb", buffering=0)
        self.messages = queue.Queue()
        self.events = []
        self.next_id = 0
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        buffer = b""
        while True:
            chunk = self.read.read(1 << 16)
            if not chunk:
                self.messages.put(None)
                return
            buffer += chunk
            while b"\0" in buffer:
                message, buffer = buffer.split(b"\0", 1)
                self.messages.put(json.loads(message))

    def _next(self, deadline):
        message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
        if message is None:
            raise RuntimeError("Chromium closed the pipe")
        if "id" not in message:
            self.events.append(message)
        return message

    def call(self, method, params=None, session=None, deadline=None):
        self.next_id += 1
        request = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            request["sessionId"] = session
        self.write.write(json.dumps(request).encode() + b"\0")
        deadline = deadline or time.monotonic() + TIMEOUT
        while True:
            message = self._next(deadline)
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def wait_for(self, method, deadline):
        seen = len(self.events)
        while True:
            for event in self.events[seen:]:
                if event.get("method") == method:
                    return event
            seen = len(self.events)
            self._next(deadline)

    def close(self):
        try:
            self.call("Browser.close", deadline=time.monotonic() + 5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def main():
    page = pathlib.Path(sys.argv[1]).resolve()
    screenshot = pathlib.Path(sys.argv[2])
    url = page.as_uri()
    deadline = time.monotonic() + TIMEOUT
    profile = tempfile.mkdtemp(prefix="tessera-chromium-")
    browser = None
    try:
        browser = Browser(profile)
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.call(f"{domain}.enable", session=session)
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": 1280, "height": 2000, "deviceScaleFactor": 1, "mobile": False},
                     session=session)
        browser.call("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired", deadline)
        facts = json.loads(browser.call("Runtime.evaluate", {"expression": FACTS, "returnByValue": True},
                                        session=session)["result"]["value"])
        shot = browser.call("Page.captureScreenshot", {"format": "png"}, session=session)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        # Whatever the page logged or asked for by now (the load event came after every
        # subresource would have).
        problems = []
        for event in browser.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                problems.append("console error: " + " ".join(str(a.get("value", a.get("description")))
                                                             for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                problems.append("exception: " + json.dumps(params.get("exceptionDetails", {}))[:500])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                problems.append("log error: " + params["entry"].get("text", ""))
            elif method == "Network.requestWillBeSent" and params["request"]["url"] != url:
                problems.append("network request: " + params["request"]["url"])
        facts["problems"] = problems
        print(json.dumps(facts))
        return 1 if problems else 0
    except Exception as error:  # queue.Empty on a timeout, a closed pipe, a protocol error
        print(f"report_page.py: could not drive Chromium: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    finally:
        if browser is not None:
            browser.close()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
