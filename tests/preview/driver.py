"""Drive a preview page through the wizard as a user does: clicking, choosing and typing with
Selenium, never by writing the page's state directly.

A wizard state is the evaluator's ``values`` (``{step: {element: value}}``); :meth:`Driver.enter`
walks the steps in order, opens each tab as a user would (Next), and sets each element the state
names through its control. Reading the page (which tab is shown, whether an element is visible,
what the download holds) goes through the page's own objects, which is what a user sees.
"""

from __future__ import annotations

import json
from typing import Any

from armgen.uidef.evaluator import Wizard


def js_json(value: Any) -> str:
    """A value as the page writes it into an <option>'s value (JSON.stringify)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Driver:
    def __init__(self, browser: Any, wizard: Wizard):
        self.b = browser
        self.wizard = wizard
        self.types = {(step, name): t for step, name, t in wizard.element_paths()}

    # --- reading the page --------------------------------------------------------------------

    def showing(self) -> str:
        return str(self.b.js("return document.querySelector('.pv-body').getAttribute('data-showing')"))

    def visible(self, step: str, name: str) -> bool:
        return bool(self.b.js(
            "const st = window.armgenPreview.outcome.elements.get(window.ArmgenUidef.keyOf(arguments[0], arguments[1].split('.')));"
            "return !!(st && st.visible);", step, name))

    def value(self, step: str, name: str) -> Any:
        return json.loads(self.b.js(
            "const st = window.armgenPreview.outcome.elements.get(window.ArmgenUidef.keyOf(arguments[0], arguments[1].split('.')));"
            "return JSON.stringify(st ? st.value : null);", step, name))

    def messages(self, step: str, name: str) -> list[str]:
        row = self.row(step, name)
        return [m.text for m in row.find_elements("css selector", ".pv-message")]

    def row(self, step: str, name: str) -> Any:
        return self.b.find(f'[data-step="{step}"][data-element="{name}"]')

    def environment_json(self) -> dict[str, Any]:
        """What the page's environment answers now (its guids and clock were drawn at load)."""
        return json.loads(self.b.js(
            "const e = window.armgenPreview.env; return JSON.stringify({location: e.location, resourceGroup: e.resourceGroup,"
            " subscription: e.subscription, guids: e.guids, now: e.now});"))

    # --- acting --------------------------------------------------------------------------------

    def click(self, css: str) -> None:
        self.b.click(css)

    def next(self) -> None:
        self.click("#pv-next")

    def region(self, name: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.b.find("#pv-region")).select_by_value(name)

    def open_step(self, step: str) -> None:
        """Go to ``step`` with Next (from an earlier step) or Previous, as a user does."""
        order = self.wizard.steps
        here = self.showing()
        for _ in range(len(order) + 2):
            if here == step:
                return
            back = here == "review" or order.index(here) > order.index(step)
            self.click("#pv-previous" if back else "#pv-next")
            now = self.showing()
            if now == here:
                raise AssertionError(f"{'Previous' if back else 'Next'} did not leave step {here!r}: {self.blocks_shown()}")
            here = now
        raise AssertionError(f"could not reach step {step!r}")

    def blocks_shown(self) -> list[str]:
        return [m.text for m in self.b.find_all(".pv-message")]

    def snapshot(self, keys: list[tuple[str, str]], values: dict[str, Any] | None = None
                 ) -> dict[tuple[str, str], tuple[bool, Any, Any]]:
        """Whether each element is visible, its value as a user value, and (with ``values``) the
        element a user acts on to set it (the box, the list item, the option, the check box), in
        one round trip."""
        wants = [[k[0], k[1], self.types[k], self._target_value(k, _get(values, k)) if values else None] for k in keys]
        got = self.b.js(
            "const app = window.armgenPreview, U = window.ArmgenUidef;"
            "return JSON.parse(arguments[0]).map(([s, n, type, want]) => {"
            "  const st = app.outcome.elements.get(U.keyOf(s, n.split('.')));"
            "  const row = document.querySelector(`[data-step=\"${s}\"][data-element=\"${n}\"]`);"
            "  let target = null;"
            "  if (row && want !== null) {"
            "    if (type.endsWith('.TextBox') || type.endsWith('.UserNameTextBox')) target = row.querySelector('input, textarea');"
            "    else if (type.endsWith('.CheckBox')) target = row.querySelector('label.pv-check');"
            "    else if (type.endsWith('.Slider')) target = row.querySelector('.pv-slider-number');"
            "    else if (type.endsWith('.OptionsGroup')) target = Array.from(row.querySelectorAll('label.pv-option'))"
            "      .find((l) => l.querySelector('input').value === want) || null;"
            "    else if (row.querySelector('select') && !type.endsWith('.CredentialsCombo') && !type.endsWith('.TagsByResource'))"
            "      target = Array.from(row.querySelector('select').options).find((o) => o.value === want) || null;"
            "  }"
            "  return [JSON.stringify(st ? [st.visible, st.value] : [false, null]), target];"
            "});", json.dumps(wants))
        out = {}
        for key, (state, target) in zip(keys, got, strict=True):
            visible, value = json.loads(state)
            if self.types[key] == "Microsoft.Solutions.ResourceSelector":
                value = value["id"] if isinstance(value, dict) else None
            out[key] = (visible, value, target)
        return out

    def _target_value(self, key: tuple[str, str], value: Any) -> str | None:
        """How the page spells ``value`` on the element a user acts on (an option's value)."""
        kind = self.types[key]
        if kind in ("Microsoft.Common.DropDown", "Microsoft.Common.OptionsGroup"):
            return None if isinstance(value, list) else js_json(value)
        if kind in ("Microsoft.Solutions.ResourceSelector", "Microsoft.Compute.SizeSelector"):
            return "" if value is None else str(value)
        return "" if kind in ("Microsoft.Common.TextBox", "Microsoft.Compute.UserNameTextBox", "Microsoft.Common.CheckBox",
                              "Microsoft.Common.Slider") else None

    def enter(self, values: dict[str, dict[str, Any]]) -> None:
        """Set every element ``values`` names, step by step in document order. An element hidden
        when its turn comes is set again after the others of its step (it may depend on them)."""
        for step in self.wizard.steps:
            wanted = [(step, ".".join(path)) for _, path in self._leaves(step, values.get(step, {}), ())]
            if not wanted:
                continue
            self.open_step(step)
            self.fill(values, wanted)

    def fill(self, values: dict[str, Any], wanted: list[tuple[str, str]]) -> None:
        """Set the ``wanted`` elements to their ``values``: each pass sets every visible element
        that differs, the next pass sees what those changes did (an element shown, a list
        refilled), until the page holds the values."""
        from selenium.common.exceptions import WebDriverException

        for _ in range(5):
            snap = self.snapshot(wanted, values)
            differ = [k for k in wanted if snap[k][0] and (not _holds(snap[k][1], _get(values, k))
                                                          or self.types[k] == "Microsoft.Common.TagsByResource")]
            if not differ:
                return
            for key in differ:
                target = snap[key][2]
                try:
                    if target is None:
                        raise LookupError
                    self._act(key, target, _get(values, key))
                except (LookupError, WebDriverException):
                    # Gone (an earlier choice refilled the list), behind the footer, or not a
                    # one-action control: find it anew, scrolled into sight.
                    self.set(key, _get(values, key))
            wanted = [k for k in wanted if self.types[k] != "Microsoft.Common.TagsByResource"]
        raise AssertionError(f"the page does not take {[(k, snap[k][1], _get(values, k)) for k in differ]}")

    def _leaves(self, step: str, node: dict[str, Any], prefix: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
        out = []
        for name, v in node.items():
            path = (*prefix, name)
            if self.types.get((step, ".".join(path))) == "Microsoft.Common.Section":
                out += self._leaves(step, v, path)
            else:
                out.append((step, path))
        return out

    def _in_row(self, key: tuple[str, str], css: str) -> Any:
        """The first ``css`` inside the element's row, scrolled into sight above the wizard's fixed
        footer (as a user scrolls to it)."""
        return self.b.js(
            "const row = document.querySelector(`[data-step=\"${arguments[0]}\"][data-element=\"${arguments[1]}\"]`);"
            "row.scrollIntoView({block: 'center'}); return row.querySelector(arguments[2]);", key[0], key[1], css)

    def _act(self, key: tuple[str, str], target: Any, value: Any) -> None:
        """Set ``key`` through the element the snapshot found: type into it, or click it."""
        from selenium.webdriver.common.keys import Keys

        kind = self.types[key]
        if kind in ("Microsoft.Common.TextBox", "Microsoft.Compute.UserNameTextBox"):
            target.send_keys(Keys.CONTROL, "a", Keys.NULL, Keys.BACKSPACE, value)
        elif kind == "Microsoft.Common.Slider":
            target.send_keys(Keys.CONTROL, "a", Keys.NULL, str(value))
        else:
            target.click()

    def set(self, key: tuple[str, str], value: Any) -> None:
        from selenium.webdriver.common.keys import Keys

        kind = self.types[key]
        if kind in ("Microsoft.Common.TextBox", "Microsoft.Compute.UserNameTextBox"):
            self._in_row(key, "input, textarea").send_keys(Keys.CONTROL, "a", Keys.NULL, Keys.BACKSPACE, value)
        elif kind == "Microsoft.Common.PasswordBox":  # the password, then its confirmation, as a user types both
            for box in self.row(*key).find_elements("css selector", "input[type=password]"):
                if box.is_displayed():
                    box.send_keys(Keys.CONTROL, "a", Keys.NULL, Keys.BACKSPACE, value)
        elif kind == "Microsoft.Compute.CredentialsCombo":
            self._credentials(key, value)
        elif kind == "Microsoft.Common.DropDown" and isinstance(value, list):
            row = self.row(*key)
            for box in row.find_elements("css selector", ".pv-multi input"):
                if box.is_selected() != any(js_json(v) == box.get_attribute("value") for v in value):
                    box.click()
        elif kind in ("Microsoft.Common.DropDown", "Microsoft.Solutions.ResourceSelector", "Microsoft.Compute.SizeSelector"):
            text = "" if value is None else (js_json(value) if kind == "Microsoft.Common.DropDown" else value)
            option = self.b.js("const row = document.querySelector(`[data-step=\"${arguments[0]}\"][data-element=\"${arguments[1]}\"]`);"
                               "row.scrollIntoView({block: 'center'});"
                               "return Array.from(row.querySelector('select').options).find((o) => o.value === arguments[2]) || null;",
                               key[0], key[1], text)
            if option is None:
                raise AssertionError(f"{key}: the page offers no {value!r}")
            option.click()
        elif kind == "Microsoft.Common.OptionsGroup":
            label = self.b.js("const r = Array.from(document.querySelectorAll(`[data-step=\"${arguments[0]}\"][data-element="
                              "\"${arguments[1]}\"] label.pv-option`)).find((l) => l.querySelector('input').value === arguments[2]);"
                              "if (r) r.scrollIntoView({block: 'center'}); return r || null;", key[0], key[1], js_json(value))
            if label is None:
                raise AssertionError(f"{key}: no option {value!r}")
            label.click()
        elif kind == "Microsoft.Common.CheckBox":
            self._in_row(key, "label.pv-check").click()
        elif kind == "Microsoft.Common.Slider":
            self._in_row(key, ".pv-slider-number").send_keys(Keys.CONTROL, "a", Keys.NULL, str(value))
        elif kind == "Microsoft.Common.TagsByResource":
            from selenium.webdriver.support.ui import Select

            row = self.row(*key)
            for rtype, tags in value.items():
                for name, text in tags.items():
                    last = row.find_elements("css selector", ".pv-tags-row")[-1]
                    self.b.js("arguments[0].scrollIntoView({block: 'center'})", last)
                    inputs = last.find_elements("css selector", "input")
                    Select(last.find_element("css selector", "select")).select_by_value(rtype)
                    inputs[0].send_keys(name)
                    inputs[1].send_keys(text)
        else:
            raise NotImplementedError(f"the test driver cannot set a {kind} ({key})")

    def _credentials(self, key: tuple[str, str], value: dict[str, Any]) -> None:
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import Select

        row = self.row(*key)
        self.b.js("arguments[0].scrollIntoView({block: 'center'})", row)
        auth = value.get("authenticationType")
        if auth:
            for label in row.find_elements("css selector", "label.pv-option"):
                if label.is_displayed() and label.find_element("css selector", "input").get_attribute("value") == auth:
                    label.click()
        if "generateNewSshKey" in value:
            Select(row.find_element("css selector", "select")).select_by_value("new" if value["generateNewSshKey"] else "existing")
        fields = {"sshPublicKey": "textarea", "sshKeyName": ".pv-keyname input"}
        for field, css in fields.items():
            if field in value:
                row.find_element("css selector", css).send_keys(Keys.CONTROL, "a", Keys.NULL, Keys.BACKSPACE, value[field])
        if "password" in value:
            for box in row.find_elements("css selector", "input[type=password]"):
                box.send_keys(Keys.CONTROL, "a", Keys.NULL, Keys.BACKSPACE, value["password"])

    # --- review + create -------------------------------------------------------------------------

    def review(self) -> None:
        self.click("#pv-primary")

    def download(self) -> dict[str, Any]:
        """Click "Download parameters.json" on Review + create; the file the browser saved."""
        target = self.b.downloads / "parameters.json"
        for stale in self.b.downloads.glob("*"):
            stale.unlink()
        assert self.showing() == "review"
        self.next()
        path = self.b.wait_for_download("parameters.json")
        assert path == target
        return json.loads(path.read_text(encoding="utf-8"))


def _holds(current: Any, wanted: Any) -> bool:
    """Whether the page's value is the user's: equal, or (a CredentialsCombo's object of every
    field) holding each field the user gave."""
    if isinstance(current, dict) and isinstance(wanted, dict) and "authenticationType" in current:
        return all(current.get(k) == v for k, v in wanted.items())
    return bool(current == wanted)


def _get(values: dict[str, Any], key: tuple[str, str]) -> Any:
    node: Any = values.get(key[0], {})
    for part in key[1].split("."):
        node = node[part]
    return node
