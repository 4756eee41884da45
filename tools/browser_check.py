"""Open every page of the built site in headless Chromium and check it.

The site is served on 127.0.0.1 and each page is loaded with every request
to another host blocked. A page fails when

- a request would leave the machine (script, style, font, image, anything),
- maths is not rendered: TeX delimiters or commands left in the text, or a
  MathJax error or undefined macro in a formula,
- an image did not load,
- JavaScript raised an error or logged one to the console,
- an interactive figure does not change its frame when its slider moves,
- a chapter (a page built from a notebook) lacks its Colab or Binder button
  or its .ipynb download.

A full-page screenshot of every page is kept in the screenshots folder.

    python tools/browser_check.py _build/html --screenshots _build/screenshots
"""

import argparse
import functools
import http.server
import re
import shutil
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]

# Text of the page outside code and rendered maths, where no TeX may be left.
VISIBLE_TEXT_JS = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll(
    'pre, code, script, style, mjx-container, .highlight, textarea, '
    + 'kbd, .otnotes-interactive script'
  ).forEach(el => el.remove());
  return body.textContent;
}"""

MATH_ERRORS_JS = """() => {
  const errors = [];
  document.querySelectorAll('mjx-merror, [data-mjx-error]').forEach(
    el => errors.push(el.getAttribute('data-mjx-error') || el.textContent));
  // An undefined macro is rendered as red text holding its name.
  document.querySelectorAll('mjx-assistive-mml mtext').forEach(el => {
    if (/\\\\[A-Za-z]+/.test(el.textContent)) errors.push(el.textContent);
  });
  return errors;
}"""

BROKEN_IMAGES_JS = """() => Array.from(document.images)
  .filter(img => !img.complete || img.naturalWidth === 0)
  .map(img => img.currentSrc.slice(0, 120) || img.outerHTML.slice(0, 120))"""

MATHJAX_READY_JS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
    return document.querySelectorAll('mjx-container').length;
  }
  return -1;
}"""

# Move each slider of each static interactive figure and report the figures
# whose image did not change.
SLIDERS_JS = """() => {
  const stuck = [];
  document.querySelectorAll('.otnotes-interactive').forEach((root, k) => {
    const img = root.querySelector('img.otnotes-frame');
    root.querySelectorAll('input[type=range]').forEach(input => {
      if (input.max === input.min) return;
      const before = img.src;
      const old = input.value;
      input.value = input.value === input.max ? input.min : input.max;
      input.dispatchEvent(new Event('input'));
      if (img.src === before) stuck.push(`figure ${k}, slider ${input.dataset.name}`);
      input.value = old;
      input.dispatchEvent(new Event('input'));
    });
  });
  return stuck;
}"""

# Display and inline delimiters, environments, commands with an argument.
LAUNCH_LINKS_JS = """() => {
  const hrefs = Array.from(document.querySelectorAll('a[href]'), a => a.href);
  return {
    colab: hrefs.some(h => h.includes('colab.research.google.com')),
    binder: hrefs.some(h => h.includes('mybinder.org')),
    download: hrefs.some(h => h.includes('/_sources/') && h.endsWith('.ipynb')),
  };
}"""

RAW_TEX = re.compile(
    r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\[A-Za-z]{2,}\{|\$[^$\s][^$]*\$"
)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve(directory):
    """Serve ``directory`` on 127.0.0.1 in a thread; return the server."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def is_local(url):
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    return parsed.hostname in ("127.0.0.1", "localhost")


def is_redirect(path):
    """True for the one-line pages that only redirect to another page."""
    head = path.read_text(encoding="utf-8", errors="replace")[:300].lower()
    return 'http-equiv="refresh"' in head and "<body" not in head


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


# A page has settled when no request has been in flight for QUIET seconds.
# On a loaded 2-core machine a long page (hundreds of formulas, MathJax fonts,
# embedded figure frames) can take minutes; one that never settles fails
# after SETTLE_TIMEOUT seconds, with the requests still pending.
QUIET = 0.5
SETTLE_TIMEOUT = 300


class Traffic:
    """The requests of a page still in flight, and when the last one moved."""

    def __init__(self, page):
        self.page = page
        self.in_flight = {}
        self.last_change = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request):
        self.in_flight[id(request)] = request.url
        self.last_change = time.monotonic()

    def _ended(self, request):
        self.in_flight.pop(id(request), None)
        self.last_change = time.monotonic()

    def wait_until_quiet(self):
        """Wait until the page is quiet. Return None when it is, or else the
        URLs in flight at the deadline (empty if requests kept coming)."""
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while time.monotonic() < deadline:
            if not self.in_flight and time.monotonic() - self.last_change >= QUIET:
                return None
            self.page.wait_for_timeout(100)
        return sorted(self.in_flight.values())


def check_page(context, url, notebook):
    """Load one page; return (page, problems, number of formulas, figures).

    ``notebook`` says whether the page was built from a notebook, so must
    carry launch buttons.
    """
    problems = []
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
    page.on("console", lambda msg: msg.type == "error" and problems.append(
        f"console error: {msg.text}"))
    traffic = Traffic(page)
    response = page.goto(url, wait_until="load")
    if response is None or response.status != 200:
        problems.append(f"HTTP status {None if response is None else response.status}")
    formulas = page.evaluate(MATHJAX_READY_JS)
    pending = traffic.wait_until_quiet()
    if pending is not None:
        in_flight = pending[:5] or "none, but new ones kept starting"
        problems.append(f"the page did not settle within {SETTLE_TIMEOUT} s; "
                        f"requests in flight: {in_flight}")
    text = page.evaluate(VISIBLE_TEXT_JS)
    for match in list(RAW_TEX.finditer(text))[:5]:
        start = max(match.start() - 40, 0)
        snippet = " ".join(text[start:match.end() + 40].split())
        problems.append(f"raw TeX left in the text: ...{snippet}...")
    for error in page.evaluate(MATH_ERRORS_JS)[:5]:
        problems.append(f"MathJax error: {error}")
    for src in page.evaluate(BROKEN_IMAGES_JS):
        problems.append(f"image not loaded: {src}")
    if notebook:
        links = page.evaluate(LAUNCH_LINKS_JS)
        problems += [f"no {name} link on a chapter page"
                     for name, found in links.items() if not found]
    interactive = page.locator(".otnotes-interactive").count()
    for stuck in page.evaluate(SLIDERS_JS):
        problems.append(f"interactive figure does not respond: {stuck}")
    return page, problems, formulas, interactive


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="folder of the built HTML site")
    parser.add_argument("--screenshots", type=Path, default=None,
                        help="folder for full-page screenshots")
    parser.add_argument("--only", default=None, metavar="TEXT",
                        help="check only the pages whose path contains TEXT")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").exists():
        print(f"No built site in {args.site}: run make book first.")
        return 2
    chromium = find_chromium()
    if chromium is None:
        print("Chromium is needed for the browser check: install Debian's package "
              "'chromium' (sudo apt-get install chromium), then run it again.")
        return 2
    from playwright.sync_api import sync_playwright

    pages = sorted(p for p in args.site.rglob("*.html")
                   if "_static" not in p.parts and "_sources" not in p.parts
                   and not is_redirect(p))
    if args.only is not None:
        pages = [p for p in pages if args.only in p.relative_to(args.site).as_posix()]
        if not pages:
            print(f"No page of {args.site} has '{args.only}' in its path.")
            return 2
    server = serve(args.site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    failures = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        # Loading a long page can take a while on a loaded 2-core machine.
        context.set_default_timeout(SETTLE_TIMEOUT * 1000)
        outside = []

        def guard(route):
            if is_local(route.request.url):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        for path in pages:
            rel = path.relative_to(args.site).as_posix()
            outside.clear()
            source = args.site / "_sources" / path.relative_to(args.site).with_suffix(
                ".ipynb")
            page, problems, formulas, interactive = check_page(
                context, f"{base}/{rel}", notebook=source.exists())
            problems += [f"request to another host: {url}" for url in outside]
            if args.screenshots is not None:
                shot = args.screenshots / (rel.removesuffix(".html").replace("/", "__")
                                           + ".png")
                shot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shot), full_page=True)
            page.close()
            status = "FAIL" if problems else "ok"
            print(f"{status:4} {rel} ({max(formulas, 0)} formulas, "
                  f"{interactive} interactive figures)")
            for problem in problems:
                print(f"     - {problem}")
            failures += bool(problems)
        browser.close()
    server.shutdown()
    server.server_close()
    print(f"{len(pages) - failures} pages passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
