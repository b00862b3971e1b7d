import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from playwright.sync_api import sync_playwright

from practice.shipped import install_blueprints
from questions.bank import load_bank

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is required for the browser tests: `make test` installs it."
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def bank(transactional_db):
    """The shipped bank and blueprints (a transactional test starts from an empty database)."""
    load_bank()
    install_blueprints(apps)


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    def check(page, label):
        results = axe.run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
        details = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
        assert not serious, f"{label}: {details}"
    return check


def sign_up(page, base_url, username="keyboard_candidate"):
    page.goto(f"{base_url}/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("a-Sturdy-pass-42")
    page.get_by_label("Password confirmation").fill("a-Sturdy-pass-42")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/dashboard/")
