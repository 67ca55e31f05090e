"""Headless Debian chromium + chromedriver for browser tests."""
import functools
import os
import shutil
import tempfile

from tests.support.services import skip_reason_unless_required

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    # The machine has no network beyond loopback: stop chromium's background
    # connections (refused or failing DNS lookups) at the source.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Debian's launcher fails to decide this itself here (its /dev/shm check errors).
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
)


def chrome_options(download_dir=None):
    """Options with CHROME_FLAGS, downloads to download_dir and console logging."""
    from selenium.webdriver.chrome.options import Options

    opts = Options()
    opts.binary_location = CHROMIUM
    for flag in CHROME_FLAGS:
        opts.add_argument(flag)
    if download_dir:
        opts.add_experimental_option("prefs", {
            "download.default_directory": os.path.abspath(download_dir),
            "download.prompt_for_download": False,
        })
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return opts


def make_chrome_driver(download_dir=None):
    """A webdriver.Chrome with a fresh profile, removed again by driver.quit().

    download_dir defaults to a "downloads" folder inside that profile, so read
    downloads before quitting (or pass your own, e.g. tmp_path).
    driver.get_log("browser") returns the console messages.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="qdgain-chrome-")
    if download_dir is None:
        download_dir = os.path.join(profile, "downloads")
    os.makedirs(download_dir, exist_ok=True)
    opts = chrome_options(download_dir)
    opts.add_argument(f"--user-data-dir={profile}")
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    except BaseException:
        shutil.rmtree(profile, ignore_errors=True)
        raise
    driver.download_dir = download_dir

    quit_driver = driver.quit

    def quit_and_clean():
        try:
            quit_driver()
        finally:
            shutil.rmtree(profile, ignore_errors=True)

    driver.quit = quit_and_clean
    return driver


def browser_unavailable_reason():
    """None if headless chromium starts here, else why not (for pytest.skip).

    With QDGAIN_REQUIRE_SERVICES=1 (set by .ci/run) a reason fails the calling test instead
    (tests/support/services.py).
    """
    return skip_reason_unless_required(_browser_reason())


@functools.cache
def _browser_reason():
    """The check itself, once per process: None, or why headless chromium cannot start."""
    for path, pkg in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            return f"{path} not found (apt-get install {pkg})"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -r requirements-dev.txt)"
    try:
        driver = make_chrome_driver()
    except Exception as exc:
        first_line = (str(exc).strip().splitlines() or [""])[0]
        return f"headless chromium failed to start: {type(exc).__name__}: {first_line}"
    driver.quit()
    return None
