"""The key pages work from the keyboard alone, in English and in Arabic: from the top of the
page, Tab reaches the skip link first, then every link, button and form control in the
order of the page, each showing where the focus is; the skip link takes the focus to the
main content; and no form control lacks an accessible name."""

import pytest

from pave.journeys.tests.conftest import start, tr
from pave.testing import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What Tab should stop at, in document order: a radio group is one stop (its checked
# button, else its first), as browsers do.
TAB_STOPS_JS = """() => {
  const selector = 'a[href], button, input, select, textarea, [tabindex]';
  const stops = [];
  const groups = new Set();
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.type === 'hidden' || el.tabIndex < 0) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    if (el.type === 'radio') {
      const key = (el.form ? el.form.id + '/' : '') + el.name;
      if (groups.has(key)) continue;
      groups.add(key);
      const checked = [...document.getElementsByName(el.name)].find(r => r.checked);
      stops.push(checked || el);
    } else {
      stops.push(el);
    }
  }
  stops.forEach((el, i) => el.dataset.tabStop = i);
  return stops.length;
}"""

# How an element looks, as far as a focus indicator goes.
LOOK = """el => {
  const s = getComputedStyle(el);
  return {outline: s.outlineStyle === 'none' ? 'none'
                   : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
          shadow: s.boxShadow, background: s.backgroundColor};
}"""
UNFOCUSED_JS = f"""() => {{
  const look = {LOOK};
  const count = document.querySelectorAll('[data-tab-stop]').length;
  return Array.from({{length: count}},
                    (_, i) => look(document.querySelector(`[data-tab-stop="${{i}}"]`)));
}}"""
FOCUSED_JS = f"""() => {{
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const look = {LOOK};
  return {{stop: el.dataset.tabStop ?? null, tag: el.tagName, id: el.id, name: el.name ?? '',
           type: el.type ?? '', text: (el.innerText || el.value || '').trim().slice(0, 40),
           look: look(el)}};
}}"""
# Form controls and buttons without an accessible name (aria-labelledby, aria-label, a
# <label>, a button's text, a title), as a screen reader would announce them.
UNNAMED_JS = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter(el => el.type !== 'hidden' && el.checkVisibility())
  .filter(el => !(
    (el.getAttribute('aria-labelledby') || '').split(/\\s+/)
      .map(id => document.getElementById(id)?.innerText || '').join('').trim()
    || (el.getAttribute('aria-label') || '').trim()
    || [...(el.labels || [])].map(l => l.innerText).join('').trim()
    || (el.tagName === 'BUTTON' ? el.innerText.trim() : '')
    || (el.getAttribute('title') || '').trim()))
  .map(el => el.outerHTML.slice(0, 120))"""


def next_stop(page, focused: dict) -> dict:
    """Press Tab until the focus leaves FOCUSED: a date input's day, month and year are
    stops of their own inside the one element."""
    for _segment in range(5):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED_JS)
        if not (now and now["stop"] == focused["stop"] and now["type"] == "date"):
            break
    return now


def assert_keyboard_order(page, name: str) -> None:
    stops = page.evaluate(TAB_STOPS_JS)
    assert stops > 3, name
    unfocused = page.evaluate(UNFOCUSED_JS)
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED_JS)
    assert focused and focused["stop"] == "0", f"{name}: the first Tab reached {focused}"
    assert page.locator(".skip-link").evaluate("el => el === document.activeElement"), name
    box = page.locator(".skip-link").bounding_box()
    assert box and box["y"] >= 0, f"{name}: the focused skip link is off screen"
    for i in range(stops):
        if i:
            focused = next_stop(page, focused)
        assert focused and focused["stop"] == str(i), (
            f"{name}: Tab stop {i} should be {unfocused[i]} but the focus is on {focused}"
        )
        look = focused["look"]
        shown = look["outline"] != "none" or look["shadow"] != "none"
        assert shown and look != unfocused[i], f"{name}: no visible focus on {focused}"
    # The skip link takes the focus to the main content.
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main", name
    unnamed = page.evaluate(UNNAMED_JS)
    assert not unnamed, f"{name}: controls without an accessible name: {unnamed}"


def test_key_pages_work_from_the_keyboard(page, personas, partner, survivor_case, language):
    case = survivor_case
    start(page, language, "amal")
    page.goto("/cases/")
    assert_keyboard_order(page, "case list")
    page.goto(f"/referrals/cases/{case.pk}/consents/")
    assert_keyboard_order(page, "consent form")
    page.goto(f"/referrals/cases/{case.pk}/new/")
    assert_keyboard_order(page, "referral form")
    log_out(page)

    log_in(page, "dina")
    page.goto("/screening/new/")
    assert_keyboard_order(page, "screening form, step 1")
    page.locator("#id_instrument").select_option("ilo-2009-adult-labour")
    page.locator("#id_language").fill("ar")
    page.locator("input[name=consent_given][value=yes]").check()
    page.locator("#id_consent_method").select_option("verbal")
    for item in ("purpose", "data_use", "withdrawal"):
        page.locator(f"#id_consent_informed_{item}").check()
    page.get_by_role("button", name=tr(language, "Continue")).click()
    page.wait_for_load_state()
    assert_keyboard_order(page, "screening form, step 2")
