/* armgen's offline wizard preview: renders a createUiDefinition as the Azure portal's wizard does.
 *
 * Every value, default, visibility, offered item and blocking message on screen comes from the
 * evaluator (evaluator.js, the port of armgen/uidef/): this file only draws the run's outcome and
 * records what the user does as the evaluator's `values` ({step: {element: value}}), then runs
 * the wizard again. So what the page shows, and the parameters.json it downloads, is what
 * armgen's Python evaluator computes for the same choices (tests/preview/ proves it).
 *
 * Answers from Azure (VNets, subnets, identities, sizes, regions and zones) come from the sample
 * data inlined into the page (`armgen preview --data FILE`, docs/preview.md). Controls the
 * evaluator does not model are either approximated here (EXTRA below, marked as such on screen)
 * or drawn as a labelled placeholder; nothing the document contains may leave the page blank.
 *
 * No network, no dependencies: the page is one file that works from file://.
 */
(function (root) {
  "use strict";
  const U = root.ArmgenUidef;
  const MISSING = U.MISSING;
  const hasOwn = (o, k) => o !== null && typeof o === "object" && Object.prototype.hasOwnProperty.call(o, k);
  const isObj = U.isPlainObject;
  const PARAMETERS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";

  // ------------------------------------------------------------------------------- DOM helpers

  /** An element: h("div", {class: "x", text: "y", onclick: f}, child, ...). Text is always set as
   * text, never parsed as HTML: documents and sample data are somebody else's input. */
  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") e.textContent = String(v);
      else if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "value") e.value = v;
      else if (k === "checked" || k === "disabled" || k === "hidden" || k === "selected" || k === "readOnly") e[k] = !!v;
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined || kid === false) continue;
      e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function safeUri(uri) {
    return typeof uri === "string" && /^https?:\/\//i.test(uri) ? uri : null;
  }

  /** The little markdown the portal renders in descriptions: paragraphs, **bold**, [links](url). */
  function markdown(text) {
    const frag = document.createDocumentFragment();
    const paras = String(text).split(/\n\s*\n/);
    for (const para of paras) {
      const p = h("p");
      const re = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
      let last = 0;
      let m;
      while ((m = re.exec(para)) !== null) {
        p.append(para.slice(last, m.index));
        if (m[1] !== undefined) p.append(h("strong", { text: m[1] }));
        else p.append(safeUri(m[3]) ? h("a", { href: m[3], target: "_blank", rel: "noopener noreferrer", text: m[2] }) : m[2]);
        last = re.lastIndex;
      }
      p.append(para.slice(last));
      frag.append(p);
    }
    return frag;
  }

  function text(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "string") return v;
    if (isObj(v)) {
      const first = Object.values(v).find((x) => typeof x === "string");
      return first === undefined ? "" : first;
    }
    return String(v);
  }

  /** A sub-label of a composite control: label.password, else a fallback. */
  function part(obj, key, fallback) {
    return isObj(obj) && typeof obj[key] === "string" ? obj[key] : fallback;
  }

  let uid = 0;
  const newId = () => `pv${++uid}`;

  // ------------------------------------------------------------------------------ environment

  function randomGuid() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** The evaluator's Environment from the sample data; guid(), utcNow() and rand() get fresh
   * values once per page load (the portal's are random too), unless the data pins them. */
  function makeEnvironment(data) {
    const env = U.Environment.fromJson(data);
    if (!env.guids.length) env.guids = Array.from({ length: 32 }, randomGuid);
    if (!hasOwn(data, "now")) env.now = new Date().toISOString();
    const r = new Uint32Array(32);
    crypto.getRandomValues(r);
    env.randomFractions = Array.from(r, (x) => x / 4294967296);
    return env;
  }

  function resourceGroupOf(id) {
    const m = /\/resourceGroups\/([^/]+)/i.exec(String(id || ""));
    return m ? m[1] : "";
  }

  // ----------------------------------------------------- controls the evaluator does not model
  // Approximations, so a third-party wizard can be walked through: the value shapes are those
  // Microsoft documents for each control, filled from the control's defaults and the sample data.
  // They have no counterpart in the Python evaluator; the page marks them "approximated".

  function ipv4(n) {
    return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
  }

  function prefixSize(text, fallback) {
    const m = /^\/?(\d{1,2})$/.exec(String(text || ""));
    return m ? Math.min(Number(m[1]), 32) : fallback;
  }

  function vnetDefaults(run, el) {
    const dv = isObj(el.doc.defaultValue) ? run.ev(el, el.doc.defaultValue, "defaultValue") : {};
    const size = prefixSize(dv.addressPrefixSize, 16);
    const base = 10 << 24;
    let next = base;
    const subnets = {};
    const docs = isObj(el.doc.subnets) ? el.doc.subnets : {};
    for (const key of Object.keys(docs)) {
      const sd = isObj(docs[key]) && isObj(docs[key].defaultValue) ? run.ev(el, docs[key].defaultValue, "subnets", key, "defaultValue") : {};
      const s = Math.max(prefixSize(sd.addressPrefixSize, 24), size);
      const blockSize = 2 ** (32 - s);
      next = Math.ceil((next - base) / blockSize) * blockSize + base;
      subnets[key] = { name: String(sd.name || key), addressPrefix: `${ipv4(next >>> 0)}/${s}`, startAddress: ipv4((next + 4) >>> 0) };
      next += blockSize;
    }
    return { name: String(dv.name || "vnet"), addressPrefix: `${ipv4(base)}/${size}`, subnets };
  }

  const EXTRA = {
    "Microsoft.Network.VirtualNetworkCombo": {
      value(run, el) {
        const u = run.user(el);
        const user = isObj(u) ? u : {};
        const d = vnetDefaults(run, el);
        const existing = user.newOrExisting === "existing";
        const out = {
          name: existing ? String(user.name || "") : String(hasOwn(user, "name") ? user.name : d.name),
          resourceGroup: existing ? String(user.resourceGroup || "") : run.env.resourceGroup.name,
          addressPrefixes: [], addressPrefix: "", newOrExisting: existing ? "existing" : "new", subnets: {},
        };
        out.addressPrefix = existing ? String(user.addressPrefix || "") : String(hasOwn(user, "addressPrefix") ? user.addressPrefix : d.addressPrefix);
        out.addressPrefixes = out.addressPrefix ? [out.addressPrefix] : [];
        const us = isObj(user.subnets) ? user.subnets : {};
        for (const key of Object.keys(d.subnets)) {
          const s = Object.assign({}, d.subnets[key], existing ? { name: "", addressPrefix: "", startAddress: "" } : {},
            isObj(us[key]) ? us[key] : {});
          out.subnets[key] = s;
        }
        return out;
      },
      check(run, el, value) {
        const msgs = [];
        if (!value.name) msgs.push(`${el.label}: name the virtual network.`);
        for (const [k, s] of Object.entries(value.subnets)) if (!s.name) msgs.push(`${el.label}: name subnet ${k}.`);
        return msgs;
      },
    },
    "Microsoft.Network.PublicIpAddressCombo": {
      value(run, el) {
        const u = run.user(el);
        const user = isObj(u) ? u : {};
        const dv = isObj(el.doc.defaultValue) ? run.ev(el, el.doc.defaultValue, "defaultValue") : {};
        const choice = user.newOrExistingOrNone || "new";
        if (choice === "none") return { name: "", resourceGroup: "", domainNameLabel: "", newOrExistingOrNone: "none" };
        return {
          name: String(hasOwn(user, "name") ? user.name : (dv.publicIpAddressName || `${el.path[el.path.length - 1]}-ip`)),
          resourceGroup: run.env.resourceGroup.name,
          domainNameLabel: String(hasOwn(user, "domainNameLabel") ? user.domainNameLabel : (dv.domainNameLabel || "")),
          publicIPAllocationMethod: "Dynamic", sku: "Basic", newOrExistingOrNone: choice,
        };
      },
      check(run, el, value) {
        return value.newOrExistingOrNone !== "none" && !value.name ? [`${el.label}: name the public IP address.`] : [];
      },
    },
    "Microsoft.Common.FileUpload": {
      value(run, el) {
        const u = run.user(el);
        return u === MISSING ? null : u;
      },
      check(run, el, value) {
        const c = el.doc.constraints || {};
        return c.required === true && (value === null || value === "" || (Array.isArray(value) && !value.length))
          ? [`${el.label}: a file is required.`] : [];
      },
    },
    "Microsoft.Common.ServicePrincipalSelector": {
      value(run, el) {
        const u = run.user(el);
        const user = isObj(u) ? u : {};
        const dv = isObj(el.doc.defaultValue) ? run.ev(el, el.doc.defaultValue, "defaultValue") : {};
        const appId = String(hasOwn(user, "appId") ? user.appId : (dv.principalId || ""));
        return {
          appId, objectId: appId, password: String(user.password || ""), certificateThumbprint: String(user.certificateThumbprint || ""),
          newOrExisting: "existing", authenticationType: user.authenticationType || "password",
        };
      },
      check(run, el, value) {
        const c = el.doc.constraints || {};
        if (!value.appId) return [`${el.label}: an application id is required.`];
        if (value.authenticationType === "password") {
          if (c.required !== false && !value.password) return [`${el.label}: a password is required.`];
          if (value.password && typeof c.regex === "string" && !U.jsRegexSearch(c.regex, value.password)) {
            return [String(c.validationMessage || `${el.label}: the password does not match ${c.regex}`)];
          }
        } else if (!value.certificateThumbprint) {
          return [`${el.label}: a certificate thumbprint is required.`];
        }
        return [];
      },
    },
    "Microsoft.Storage.StorageAccountSelector": {
      value(run, el) {
        const u = run.user(el);
        const user = isObj(u) ? u : {};
        const dv = isObj(el.doc.defaultValue) ? run.ev(el, el.doc.defaultValue, "defaultValue") : {};
        return {
          name: String(hasOwn(user, "name") ? user.name : (dv.name || "")), resourceGroup: run.env.resourceGroup.name,
          type: String(user.type || dv.type || "Standard_LRS"), newOrExisting: "new", kind: "StorageV2",
        };
      },
      check(run, el, value) {
        return /^[a-z0-9]{3,24}$/.test(value.name) ? [] : [`${el.label}: 3 to 24 lower-case letters and digits.`];
      },
    },
    "Microsoft.Storage.MultiStorageAccountCombo": {
      value(run, el) {
        const u = run.user(el);
        const user = isObj(u) ? u : {};
        const dv = isObj(el.doc.defaultValue) ? run.ev(el, el.doc.defaultValue, "defaultValue") : {};
        const n = Number.isInteger(el.doc.count) ? el.doc.count : 1;
        const type = String(user.type || dv.type || "Standard_LRS");
        return {
          prefix: String(hasOwn(user, "prefix") ? user.prefix : (dv.prefix || "")), count: n,
          resourceGroup: run.env.resourceGroup.name, types: Array.from({ length: n }, () => type),
        };
      },
      check(run, el, value) {
        return /^[a-z0-9]{3,11}$/.test(value.prefix) ? [] : [`${el.label}: a prefix of 3 to 11 lower-case letters and digits.`];
      },
    },
  };

  const STORAGE_TYPES = ["Standard_LRS", "Standard_GRS", "Standard_RAGRS", "Standard_ZRS", "Premium_LRS"];

  // ----------------------------------------------------------------------------- the controls
  // Each builder returns {root, update(st)}; `st` is the element's state in the latest run:
  // {visible, value, options, messages (what blocks it), showMessages, error, run}.

  /** The portal's form row: label (required mark, info tip) on the left, control on the right. */
  function frame(app, el, opts) {
    const o = opts || {};
    const id = newId();
    const label = o.label !== undefined ? o.label : el.label;
    const tip = text(el.doc.toolTip);
    const lab = h("div", { class: "pv-label" },
      o.noLabel ? null : h("label", { for: id, text: label }),
      o.noLabel ? null : h("span", { class: "pv-req", hidden: true, text: " *" }),
      tip && !o.noLabel ? h("span", { class: "pv-tip", title: tip, tabindex: "0", "aria-label": tip, text: "i" }) : null);
    const ctl = h("div", { class: "pv-control" });
    const msg = h("div", { class: "pv-messages", role: "alert" });
    const err = h("div", { class: "pv-error-box", hidden: true });
    const rowClass = o.wide ? "pv-row pv-wide" : "pv-row";
    const rootEl = h("div", { class: rowClass, "data-key": el.key, "data-step": el.step, "data-element": el.path.join("."),
                              "data-type": el.type }, lab, h("div", { class: "pv-right" }, ctl, msg, err));
    const required = o.required;
    return {
      id, root: rootEl, ctl, lab,
      update(st) {
        rootEl.hidden = !st.visible && !st.error;
        err.hidden = !st.error;
        ctl.hidden = !!st.error;
        if (st.error) err.textContent = `This element cannot be evaluated: ${st.error}`;
        clear(msg);
        const show = st.showMessages ? st.messages : [];
        for (const m of show) msg.append(h("div", { class: "pv-message", text: m }));
        rootEl.classList.toggle("pv-invalid", show.length > 0);
        if (required !== undefined) {
          let req = false;
          try {
            req = required(st);
          } catch (exc) {
            req = false;
          }
          lab.querySelector(".pv-req").hidden = !req;
        }
      },
    };
  }

  function requiredOf(el, dflt) {
    return (st) => st.run.required(el, dflt);
  }

  function textControl(app, el, kind) {
    const f = frame(app, el, { required: requiredOf(el, kind === "user") });
    const multi = kind === "text" && isObj(el.doc.multiLine) ? true : el.doc.multiLine === true;
    const input = multi
      ? h("textarea", { id: f.id, rows: "3", placeholder: el.doc.placeholder || null })
      : h("input", { id: f.id, type: "text", placeholder: el.doc.placeholder || null, autocomplete: "off", spellcheck: "false" });
    if (el.doc.readOnly === true) input.readOnly = true;
    input.addEventListener("input", () => app.setUser(el, input.value));
    f.ctl.append(input);
    return {
      root: f.root,
      update(st) {
        f.update(st);
        if (document.activeElement !== input) input.value = st.value === null ? "" : String(st.value);
      },
    };
  }

  function confirmMismatch(pw, confirm) {
    return confirm.value !== pw.value && confirm.dataset.touched === "1";
  }

  function passwordBox(app, el) {
    const f = frame(app, el, { label: part(el.doc.label, "password", el.label), required: requiredOf(el, false) });
    const pw = h("input", { id: f.id, type: "password", autocomplete: "new-password" });
    f.ctl.append(pw);
    const hideConfirm = isObj(el.doc.options) && el.doc.options.hideConfirmation === true;
    const confirm = h("input", { type: "password", autocomplete: "new-password", "aria-label": part(el.doc.label, "confirmPassword", "Confirm password") });
    const check = () => {
      app.setUiBlock(el, !hideConfirm && confirmMismatch(pw, confirm) ? "The passwords do not match." : null);
    };
    pw.addEventListener("input", () => {
      app.setUser(el, pw.value);
      check();
    });
    confirm.addEventListener("input", () => {
      confirm.dataset.touched = "1";
      check();
    });
    if (!hideConfirm) {
      f.ctl.append(h("div", { class: "pv-sublabel", text: part(el.doc.label, "confirmPassword", "Confirm password") }), confirm);
    }
    return {
      root: f.root,
      update(st) {
        f.update(st);
        if (document.activeElement !== pw) pw.value = st.value === null ? "" : String(st.value);
      },
    };
  }

  function jsonKey(v) {
    return JSON.stringify(v === undefined ? null : v);
  }

  function dropDown(app, el) {
    const f = frame(app, el, { required: requiredOf(el, true) });
    const multi = () => el.doc.multiselect === true;
    const select = h("select", { id: f.id });
    const list = h("div", { class: "pv-multi", role: "group" });
    let signature = null;
    select.addEventListener("change", () => app.setUser(el, select.value === "" ? null : JSON.parse(select.value)));
    f.ctl.append(multi() ? list : select);
    return {
      root: f.root,
      update(st) {
        f.update(st);
        if (!st.visible || st.error) return;
        let items = [];
        try {
          items = st.run.items(el);
        } catch (exc) {
          items = [];
        }
        if (multi()) {
          const chosen = Array.isArray(st.value) ? st.value : [];
          const sig = jsonKey(items) + jsonKey(chosen);
          if (sig === signature) return;
          signature = sig;
          clear(list);
          items.forEach((item) => {
            const box = h("input", { type: "checkbox", value: jsonKey(item.value), checked: chosen.some((c) => U.equal(c, item.value)) });
            box.addEventListener("change", () => {
              const picked = Array.from(list.querySelectorAll("input:checked")).map((b) => JSON.parse(b.value));
              app.setUser(el, picked);
            });
            list.append(h("label", { class: "pv-check" }, box, " ", text(item.label)));
          });
          if (!items.length) list.append(h("div", { class: "pv-empty", text: "No items to choose from" }));
          return;
        }
        const offered = items.some((i) => U.equal(i.value, st.value));
        const sig = jsonKey(items) + (offered ? "" : jsonKey(st.value));
        if (sig !== signature) {
          signature = sig;
          clear(select);
          if (st.value === null || st.value === undefined) {
            select.append(h("option", { value: "", text: items.length ? (el.doc.placeholder || "Select an item") : "No items to choose from" }));
          } else if (!offered) {
            select.append(h("option", { value: jsonKey(st.value), class: "pv-stale", text: `${U.pyRepr(st.value)} (not offered)` }));
          }
          for (const item of items) select.append(h("option", { value: jsonKey(item.value), text: text(item.label) }));
        }
        select.value = st.value === null || st.value === undefined ? "" : jsonKey(st.value);
        select.disabled = !items.length;
      },
    };
  }

  function optionsGroup(app, el) {
    const f = frame(app, el, { required: requiredOf(el, true) });
    const group = h("div", { class: "pv-options", role: "radiogroup", id: f.id });
    const name = newId();
    let signature = null;
    f.ctl.append(group);
    return {
      root: f.root,
      update(st) {
        f.update(st);
        if (!st.visible || st.error) return;
        let items = [];
        try {
          items = st.run.items(el);
        } catch (exc) {
          items = [];
        }
        const sig = jsonKey(items);
        if (sig !== signature) {
          signature = sig;
          clear(group);
          for (const item of items) {
            const radio = h("input", { type: "radio", name, value: jsonKey(item.value) });
            radio.addEventListener("change", () => app.setUser(el, JSON.parse(radio.value)));
            group.append(h("label", { class: "pv-option" }, radio, h("span", { text: text(item.label) })));
          }
        }
        for (const r of group.querySelectorAll("input")) {
          r.checked = st.value !== null && r.value === jsonKey(st.value);
          r.parentNode.classList.toggle("pv-selected", r.checked);
        }
      },
    };
  }

  function checkBox(app, el) {
    const f = frame(app, el, { noLabel: true });
    const box = h("input", { id: f.id, type: "checkbox" });
    box.addEventListener("change", () => app.setUser(el, box.checked));
    const tip = text(el.doc.toolTip);
    f.ctl.append(h("label", { class: "pv-check", for: f.id }, box, " ", el.label,
      tip ? h("span", { class: "pv-tip", title: tip, text: "i" }) : null));
    return {
      root: f.root,
      update(st) {
        f.update(st);
        box.checked = st.value === true;
      },
    };
  }

  function slider(app, el) {
    const f = frame(app, el);
    const range = h("input", { id: f.id, type: "range" });
    const num = h("input", { type: "number", class: "pv-slider-number", "aria-label": el.label });
    range.addEventListener("input", () => app.setUser(el, Number(range.value)));
    num.addEventListener("input", () => {
      if (num.value !== "" && Number.isFinite(Number(num.value))) app.setUser(el, Number(num.value));
    });
    f.ctl.append(h("div", { class: "pv-slider" }, range, num, el.doc.subLabel ? h("span", { class: "pv-sublabel", text: text(el.doc.subLabel) }) : null));
    return {
      root: f.root,
      update(st) {
        f.update(st);
        if (!st.visible || st.error) return;
        const lo = safeEv(st.run, el, el.doc.min, "min");
        const hi = safeEv(st.run, el, el.doc.max, "max");
        const step = safeEv(st.run, el, el.doc.step, "step");
        range.min = typeof lo === "number" ? lo : 0;
        range.max = typeof hi === "number" ? hi : 100;
        range.step = typeof step === "number" ? step : 1;
        if (typeof st.value === "number") range.value = st.value;
        if (document.activeElement !== num) num.value = st.value === null ? "" : String(st.value);
      },
    };
  }

  function safeEv(run, el, value, ...prop) {
    try {
      return run.ev(el, value === undefined ? null : value, ...prop);
    } catch (exc) {
      return null;
    }
  }

  function sizeText(app, size) {
    const d = app.sizeDetails[size];
    if (!isObj(d)) return size;
    const bits = [];
    if (d.vCPUs !== undefined) bits.push(`${d.vCPUs} vCPUs`);
    if (d.memoryGiB !== undefined) bits.push(`${d.memoryGiB} GiB memory`);
    return bits.length ? `${size} – ${bits.join(", ")}` : size;
  }

  function sizeSelector(app, el) {
    const f = frame(app, el, { required: () => true });
    const select = h("select", { id: f.id });
    const note = h("div", { class: "pv-sublabel" });
    select.addEventListener("change", () => app.setUser(el, select.value));
    f.ctl.append(select, note);
    let signature = null;
    return {
      root: f.root,
      update(st) {
        f.update(st);
        if (!st.visible || st.error) return;
        const sizes = st.options || [];
        const recommended = safeEv(st.run, el, el.doc.recommendedSizes || [], "recommendedSizes") || [];
        const sig = jsonKey(sizes) + jsonKey(st.value);
        if (sig !== signature) {
          signature = sig;
          clear(select);
          if (st.value === null) select.append(h("option", { value: "", text: "No size is available" }));
          else if (!sizes.includes(st.value)) select.append(h("option", { value: st.value, text: `${st.value} (not offered)` }));
          for (const s of sizes) select.append(h("option", { value: s, text: sizeText(app, s) + (recommended.includes(s) ? "  ★ recommended" : "") }));
        }
        select.value = st.value === null ? "" : st.value;
        const count = el.doc.count === undefined ? 1 : safeEv(st.run, el, el.doc.count, "count");
        note.textContent = typeof count === "number" && count !== 1 ? `${count} × the size chosen` : "";
      },
    };
  }

  function credentialsCombo(app, el) {
    const linux = String(el.doc.osPlatform || "").toLowerCase() === "linux";
    const f = frame(app, el, { label: linux ? part(el.doc.label, "authenticationType", "Authentication type") : part(el.doc.label, "password", "Password"),
                               required: () => true });
    const labels = isObj(el.doc.label) ? el.doc.label : {};
    const name = newId();
    const set = (field, v) => {
      const cur = app.getUser(el);
      app.setUser(el, Object.assign({}, isObj(cur) ? cur : {}, { [field]: v }));
    };
    const authGroup = h("div", { class: "pv-options", role: "radiogroup" });
    const radios = {};
    for (const [value, label] of [["sshPublicKey", "SSH public key"], ["password", "Password"]]) {
      const r = h("input", { type: "radio", name, value });
      r.addEventListener("change", () => set("authenticationType", value));
      radios[value] = r;
      authGroup.append(h("label", { class: "pv-option" }, r, h("span", { text: label })));
    }
    const source = h("select", { "aria-label": "SSH public key source" },
      h("option", { value: "existing", text: "Use existing public key" }),
      h("option", { value: "new", text: "Generate new key pair" }));
    source.addEventListener("change", () => set("generateNewSshKey", source.value === "new"));
    const key = h("textarea", { rows: "3", placeholder: "ssh-ed25519 AAAA... or ssh-rsa AAAA...", "aria-label": part(labels, "sshPublicKey", "SSH public key"), spellcheck: "false" });
    key.addEventListener("input", () => set("sshPublicKey", key.value));
    const keyName = h("input", { type: "text", "aria-label": "Key pair name" });
    keyName.addEventListener("input", () => set("sshKeyName", keyName.value));
    const pw = h("input", { type: "password", autocomplete: "new-password", "aria-label": part(labels, "password", "Password") });
    pw.addEventListener("input", () => {
      set("password", pw.value);
      check();
    });
    const confirm = h("input", { type: "password", autocomplete: "new-password", "aria-label": part(labels, "confirmPassword", "Confirm password") });
    confirm.addEventListener("input", () => {
      confirm.dataset.touched = "1";
      check();
    });
    const check = () => app.setUiBlock(el, confirmMismatch(pw, confirm) ? "The passwords do not match." : null);
    const sshPart = h("div", { class: "pv-sub" },
      h("div", { class: "pv-sublabel", text: "SSH public key source" }), source,
      h("div", { class: "pv-key" }, h("div", { class: "pv-sublabel", text: part(labels, "sshPublicKey", "SSH public key") }), key),
      h("div", { class: "pv-keyname" }, h("div", { class: "pv-sublabel", text: "Key pair name" }), keyName));
    const pwPart = h("div", { class: linux ? "pv-sub" : "" },
      linux ? h("div", { class: "pv-sublabel", text: part(labels, "password", "Password") }) : null, pw,
      h("div", { class: "pv-sublabel", text: part(labels, "confirmPassword", "Confirm password") }), confirm);
    if (linux) f.ctl.append(authGroup, sshPart);
    f.ctl.append(pwPart);
    return {
      root: f.root,
      update(st) {
        f.update(st);
        if (!st.visible || st.error || !isObj(st.value)) return;
        const v = st.value;
        const hide = safeEv(st.run, el, (el.doc.options || {}).hidePassword, "options", "hidePassword") === true;
        authGroup.hidden = hide;
        for (const [k, r] of Object.entries(radios)) {
          r.checked = v.authenticationType === k;
          r.parentNode.classList.toggle("pv-selected", r.checked);
        }
        const ssh = linux && v.authenticationType === "sshPublicKey";
        sshPart.hidden = !ssh;
        pwPart.hidden = ssh;
        source.value = v.generateNewSshKey ? "new" : "existing";
        sshPart.querySelector(".pv-key").hidden = !!v.generateNewSshKey;
        sshPart.querySelector(".pv-keyname").hidden = !v.generateNewSshKey;
        if (document.activeElement !== key) key.value = v.sshPublicKey || "";
        if (document.activeElement !== keyName) keyName.value = v.sshKeyName || "";
        if (document.activeElement !== pw) pw.value = v.password || "";
      },
    };
  }

  function resourceSelector(app, el) {
    const f = frame(app, el, { required: requiredOf(el, true) });
    const select = h("select", { id: f.id });
    select.addEventListener("change", () => app.setUser(el, select.value === "" ? null : select.value));
    f.ctl.append(select);
    let signature = null;
    return {
      root: f.root,
      update(st) {
        f.update(st);
        if (!st.visible || st.error) return;
        let candidates = [];
        try {
          candidates = st.run.resourceCandidates(el);
        } catch (exc) {
          candidates = [];
        }
        const chosen = isObj(st.value) ? String(st.value.id) : "";
        const listed = candidates.some((c) => String(c.id).toLowerCase() === chosen.toLowerCase());
        const sig = jsonKey(candidates.map((c) => c.id)) + (listed ? "" : chosen);
        if (sig !== signature) {
          signature = sig;
          clear(select);
          select.append(h("option", { value: "", text: candidates.length ? "Select a resource" : "No resources of this type" }));
          if (chosen && !listed) select.append(h("option", { value: chosen, text: `${chosen} (not listed)` }));
          for (const c of candidates) {
            const rg = resourceGroupOf(c.id);
            select.append(h("option", { value: String(c.id), text: `${c.name || c.id}${rg ? `  (${rg})` : ""}` }));
          }
        }
        const match = candidates.find((c) => String(c.id).toLowerCase() === chosen.toLowerCase());
        select.value = match ? String(match.id) : chosen;
      },
    };
  }

  function tagsByResource(app, el) {
    const f = frame(app, el);
    const types = Array.isArray(el.doc.resources) ? el.doc.resources.filter((t) => typeof t === "string") : [];
    const rows = [];
    const table = h("div", { class: "pv-tags" },
      h("div", { class: "pv-tags-head" }, h("span", { text: "Name" }), h("span", { text: "Value" }), h("span", { text: "Resource" })));
    const body = h("div");
    table.append(body);
    f.ctl.append(table);
    const compute = () => {
      const out = {};
      for (const r of rows) {
        if (!r.name.value) continue;
        const targets = r.type.value === "" ? types : [r.type.value];
        for (const t of targets) {
          out[t] = out[t] || {};
          out[t][r.name.value] = r.value.value;
        }
      }
      app.setUser(el, out);
      ensureEmptyRow();
    };
    const addRow = () => {
      const r = {
        name: h("input", { type: "text", "aria-label": "Tag name" }),
        value: h("input", { type: "text", "aria-label": "Tag value" }),
        type: h("select", { "aria-label": "Resource" }, h("option", { value: "", text: `All resources (${types.length} selected)` }),
          types.map((t) => h("option", { value: t, text: t.split("/").pop() }))),
      };
      for (const i of [r.name, r.value]) i.addEventListener("input", compute);
      r.type.addEventListener("change", compute);
      rows.push(r);
      body.append(h("div", { class: "pv-tags-row" }, r.name, h("span", { class: "pv-colon", text: ":" }), r.value, r.type));
    };
    const ensureEmptyRow = () => {
      if (!rows.length || rows[rows.length - 1].name.value) addRow();
    };
    addRow();
    return { root: f.root, update: (st) => f.update(st) };
  }

  function infoBox(app, el) {
    const rootEl = h("div", { class: "pv-row pv-wide", "data-key": el.key, "data-step": el.step, "data-element": el.path.join("."), "data-type": el.type });
    const box = h("div", { class: "pv-infobox", role: "note" });
    rootEl.append(box);
    return {
      root: rootEl,
      update(st) {
        rootEl.hidden = !st.visible && !st.error;
        clear(box);
        if (st.error) {
          box.className = "pv-infobox pv-icon-Error";
          box.append(h("span", { class: "pv-icon", text: "!" }), h("div", { text: `This element cannot be evaluated: ${st.error}` }));
          return;
        }
        const opts = isObj(el.doc.options) ? el.doc.options : {};
        const icon = ["Info", "Warning", "Error"].includes(opts.icon) ? opts.icon : "None";
        box.className = `pv-infobox pv-icon-${icon}`;
        box.append(h("span", { class: "pv-icon", text: { Info: "i", Warning: "!", Error: "×", None: "" }[icon] }));
        const body = h("div", { class: "pv-infotext", text: text(st.value) });
        const uri = safeUri(opts.uri);
        if (uri) body.append(" ", h("a", { href: uri, target: "_blank", rel: "noopener noreferrer", text: "Learn more" }));
        box.append(body);
      },
    };
  }

  function textBlock(app, el) {
    const rootEl = h("div", { class: "pv-row pv-wide", "data-key": el.key, "data-step": el.step, "data-element": el.path.join("."), "data-type": el.type });
    const body = h("div", { class: "pv-textblock" });
    rootEl.append(body);
    return {
      root: rootEl,
      update(st) {
        rootEl.hidden = !st.visible && !st.error;
        clear(body);
        if (st.error) {
          body.append(h("div", { class: "pv-error-box", text: `This element cannot be evaluated: ${st.error}` }));
          return;
        }
        body.append(text(st.value));
        const link = isObj(el.doc.options) && isObj(el.doc.options.link) ? el.doc.options.link : null;
        if (link && safeUri(link.uri)) {
          body.append(" ", h("a", { href: link.uri, target: "_blank", rel: "noopener noreferrer", text: text(link.label) || link.uri }));
        }
      },
    };
  }

  function section(app, el) {
    const head = h("h3", { class: "pv-section-head", text: el.label });
    const kids = h("div", { class: "pv-section-body" });
    const rootEl = h("div", { class: "pv-section", "data-key": el.key, "data-step": el.step, "data-element": el.path.join("."), "data-type": el.type }, head, kids);
    const err = h("div", { class: "pv-error-box", hidden: true });
    rootEl.insertBefore(err, kids);
    for (const name of el.children) kids.append(app.build(app.wizard.elements.get(U.keyOf(el.step, el.path.concat([name])))));
    return {
      root: rootEl,
      update(st) {
        rootEl.hidden = !st.visible && !st.error;
        err.hidden = !st.error;
        if (st.error) err.textContent = `This section cannot be evaluated: ${st.error}`;
      },
    };
  }

  function hidden(app, el) {
    const rootEl = h("div", { hidden: true, "data-key": el.key, "data-step": el.step, "data-element": el.path.join("."), "data-type": el.type });
    return { root: rootEl, update() {} };
  }

  function placeholder(app, el) {
    const what = typeof el.doc.type === "string" ? el.doc.type : "an element without a type";
    const rootEl = h("div", { class: "pv-row pv-wide", "data-key": el.key, "data-step": el.step, "data-element": el.path.join("."),
                              "data-type": el.type, "data-placeholder": what },
      h("div", { class: "pv-placeholder" },
        h("strong", { text: el.label }), ` — not previewed: ${what}. `,
        h("span", { class: "pv-dim", text: el.problem ? "armgen's evaluator does not model it; its value is null here." : "" })));
    return {
      root: rootEl,
      update(st) {
        rootEl.hidden = !st.visible && !st.error;
      },
    };
  }

  /** A frame for the approximated controls: a note says so. */
  function approximated(f) {
    f.ctl.append(h("div", { class: "pv-approx", text: "Approximated: armgen's evaluator does not model this control." }));
  }

  function userObject(app, el) {
    const cur = app.getUser(el);
    return isObj(cur) ? cur : {};
  }

  function vnetCombo(app, el) {
    const f = frame(app, el, { label: part(el.doc.label, "virtualNetwork", el.label), required: () => true });
    const set = (changes) => app.setUser(el, Object.assign({}, userObject(app, el), changes));
    const choose = h("select", { id: f.id });
    choose.addEventListener("change", () => {
      if (choose.value === "new") {
        app.setUser(el, { newOrExisting: "new" });
        return;
      }
      const vnet = app.env.candidates("Microsoft.Network/virtualNetworks").find((v) => v.id === choose.value) || {};
      const space = (((vnet.properties || {}).addressSpace || {}).addressPrefixes || [])[0] || "";
      set({ newOrExisting: "existing", name: vnet.name || "", resourceGroup: resourceGroupOf(vnet.id), addressPrefix: space, subnets: {} });
    });
    const name = h("input", { type: "text", "aria-label": "Name of the new virtual network" });
    name.addEventListener("input", () => set({ name: name.value }));
    const space = h("input", { type: "text", "aria-label": "Address space" });
    space.addEventListener("input", () => set({ addressPrefix: space.value }));
    const newPart = h("div", { class: "pv-sub" }, h("div", { class: "pv-sublabel", text: "Name" }), name,
      h("div", { class: "pv-sublabel", text: "Address space" }), space);
    const subnetsPart = h("div", { class: "pv-sub" }, h("div", { class: "pv-sublabel", text: part(el.doc.label, "subnets", "Subnets") }));
    const subInputs = {};
    const subnetDocs = isObj(el.doc.subnets) ? el.doc.subnets : {};
    for (const key of Object.keys(subnetDocs)) {
      const sname = h("input", { type: "text", "aria-label": `${key} name` });
      const sprefix = h("input", { type: "text", "aria-label": `${key} address prefix` });
      const spick = h("select", { "aria-label": `${key} subnet` });
      const setSub = (changes) => {
        const u = userObject(app, el);
        const subs = Object.assign({}, isObj(u.subnets) ? u.subnets : {});
        subs[key] = Object.assign({}, isObj(subs[key]) ? subs[key] : {}, changes);
        set({ subnets: subs });
      };
      sname.addEventListener("input", () => setSub({ name: sname.value }));
      sprefix.addEventListener("input", () => setSub({ addressPrefix: sprefix.value }));
      spick.addEventListener("change", () => {
        const s = JSON.parse(spick.value || "null");
        setSub(s ? { name: s.name, addressPrefix: s.prefix, startAddress: "" } : { name: "", addressPrefix: "" });
      });
      subInputs[key] = { sname, sprefix, spick, sig: null };
      subnetsPart.append(h("div", { class: "pv-subnet" }, h("span", { class: "pv-dim", text: text(subnetDocs[key].label) || key }), sname, sprefix, spick));
    }
    f.ctl.append(choose, newPart, subnetsPart);
    approximated(f);
    let signature = null;
    return {
      root: f.root,
      update(st) {
        f.update(st);
        if (!st.visible || st.error || !isObj(st.value)) return;
        const v = st.value;
        const vnets = app.env.candidates("Microsoft.Network/virtualNetworks").filter((x) => norm(x.location) === norm(app.env.location));
        const sig = jsonKey(vnets.map((x) => x.id));
        const hideExisting = isObj(el.doc.options) && el.doc.options.hideExisting === true;
        if (sig !== signature) {
          signature = sig;
          clear(choose);
          choose.append(h("option", { value: "new", text: "(new) virtual network" }));
          if (!hideExisting) for (const x of vnets) choose.append(h("option", { value: x.id, text: `${x.name}  (${resourceGroupOf(x.id)})` }));
        }
        choose.value = v.newOrExisting === "existing" ? String((vnets.find((x) => x.name === v.name) || {}).id || "new") : "new";
        newPart.hidden = v.newOrExisting === "existing";
        if (document.activeElement !== name) name.value = v.name;
        if (document.activeElement !== space) space.value = v.addressPrefix;
        const existing = v.newOrExisting === "existing" ? vnets.find((x) => x.name === v.name) : null;
        const answer = existing ? app.env.answer("GET", `${existing.id}/subnets`) : null;
        const subnets = isObj(answer) && Array.isArray(answer.value) ? answer.value : [];
        for (const [key, inp] of Object.entries(subInputs)) {
          const sv = v.subnets[key] || {};
          inp.sname.hidden = inp.sprefix.hidden = !!existing;
          inp.spick.hidden = !existing;
          if (existing) {
            const s2 = jsonKey(subnets.map((s) => s.name));
            if (s2 !== inp.sig) {
              inp.sig = s2;
              clear(inp.spick);
              inp.spick.append(h("option", { value: "", text: "Select a subnet" }));
              for (const s of subnets) {
                const props = s.properties || {};
                const prefix = props.addressPrefix || (props.addressPrefixes || [])[0] || "";
                inp.spick.append(h("option", { value: JSON.stringify({ name: s.name, prefix }), text: `${s.name}  ${prefix}` }));
              }
            }
            const pickedOpt = Array.from(inp.spick.options).find((o) => o.value && JSON.parse(o.value).name === sv.name);
            inp.spick.value = pickedOpt ? pickedOpt.value : "";
          } else {
            if (document.activeElement !== inp.sname) inp.sname.value = sv.name || "";
            if (document.activeElement !== inp.sprefix) inp.sprefix.value = sv.addressPrefix || "";
          }
        }
      },
    };
  }

  function norm(location) {
    return String(location || "").split(" ").join("").toLowerCase();
  }

  function publicIpCombo(app, el) {
    const f = frame(app, el, { label: part(el.doc.label, "publicIpAddress", el.label) });
    const opts = isObj(el.doc.options) ? el.doc.options : {};
    const set = (changes) => app.setUser(el, Object.assign({}, userObject(app, el), changes));
    const choose = h("select", { id: f.id }, h("option", { value: "new", text: "(new) public IP address" }),
      opts.hideNone === true ? null : h("option", { value: "none", text: "None" }));
    choose.addEventListener("change", () => set({ newOrExistingOrNone: choose.value }));
    const name = h("input", { type: "text", "aria-label": "Public IP address name" });
    name.addEventListener("input", () => set({ name: name.value }));
    const dns = h("input", { type: "text", "aria-label": part(el.doc.label, "domainNameLabel", "Domain name label") });
    dns.addEventListener("input", () => set({ domainNameLabel: dns.value }));
    const dnsPart = h("div", {}, h("div", { class: "pv-sublabel", text: part(el.doc.label, "domainNameLabel", "Domain name label") }), dns);
    f.ctl.append(choose, h("div", { class: "pv-sub" }, h("div", { class: "pv-sublabel", text: "Name" }), name, opts.hideDomainNameLabel === true ? null : dnsPart));
    approximated(f);
    return {
      root: f.root,
      update(st) {
        f.update(st);
        if (!st.visible || st.error || !isObj(st.value)) return;
        choose.value = st.value.newOrExistingOrNone === "none" ? "none" : "new";
        name.parentNode.hidden = choose.value === "none";
        if (document.activeElement !== name) name.value = st.value.name || "";
        if (document.activeElement !== dns) dns.value = st.value.domainNameLabel || "";
      },
    };
  }

  function fileUpload(app, el) {
    const f = frame(app, el, { required: () => isObj(el.doc.constraints) && el.doc.constraints.required === true });
    const opts = isObj(el.doc.options) ? el.doc.options : {};
    const c = isObj(el.doc.constraints) ? el.doc.constraints : {};
    const input = h("input", { id: f.id, type: "file", accept: typeof c.accept === "string" ? c.accept : null, multiple: opts.multiple === true });
    const note = h("div", { class: "pv-sublabel" });
    input.addEventListener("change", async () => {
      const files = Array.from(input.files || []);
      const read = async (file) => {
        if (opts.uploadMode === "url") return `https://example.invalid/uploads/${encodeURIComponent(file.name)}`;
        if (opts.openMode === "binary") {
          const bytes = new Uint8Array(await file.arrayBuffer());
          let bin = "";
          for (const b of bytes) bin += String.fromCharCode(b);
          return btoa(bin);
        }
        return file.text();
      };
      const values = await Promise.all(files.map(read));
      app.setUser(el, opts.multiple === true ? values : (values[0] === undefined ? null : values[0]));
    });
    f.ctl.append(input, note);
    approximated(f);
    return {
      root: f.root,
      update(st) {
        f.update(st);
        note.textContent = opts.uploadMode === "url" ? "The portal uploads the file and hands over a URL; the preview makes one up." : "";
      },
    };
  }

  function servicePrincipal(app, el) {
    const f = frame(app, el, { label: part(el.doc.label, "sectionHeader", "Service principal"), required: () => true });
    const set = (changes) => app.setUser(el, Object.assign({}, userObject(app, el), changes));
    const appId = h("input", { id: f.id, type: "text", "aria-label": "Application id" });
    appId.addEventListener("input", () => set({ appId: appId.value }));
    const auth = h("select", { "aria-label": part(el.doc.label, "authenticationType", "Authentication type") },
      h("option", { value: "password", text: "Password" }),
      isObj(el.doc.options) && el.doc.options.hideCertificate === true ? null : h("option", { value: "certificate", text: "Certificate thumbprint" }));
    auth.addEventListener("change", () => set({ authenticationType: auth.value }));
    const pw = h("input", { type: "password", autocomplete: "new-password", "aria-label": part(el.doc.label, "password", "Password") });
    pw.addEventListener("input", () => set({ password: pw.value }));
    const thumb = h("input", { type: "text", "aria-label": part(el.doc.label, "certificateThumbprint", "Certificate thumbprint") });
    thumb.addEventListener("input", () => set({ certificateThumbprint: thumb.value }));
    f.ctl.append(h("div", { class: "pv-sublabel", text: "Application (client) id" }), appId,
      h("div", { class: "pv-sublabel", text: part(el.doc.label, "authenticationType", "Authentication type") }), auth, pw, thumb);
    approximated(f);
    return {
      root: f.root,
      update(st) {
        f.update(st);
        if (!st.visible || st.error || !isObj(st.value)) return;
        auth.value = st.value.authenticationType === "certificate" ? "certificate" : "password";
        pw.hidden = auth.value !== "password";
        thumb.hidden = auth.value === "password";
        if (document.activeElement !== appId) appId.value = st.value.appId || "";
      },
    };
  }

  function storageAccount(app, el, multi) {
    const f = frame(app, el, { label: multi ? part(el.doc.label, "prefix", el.label) : el.label, required: () => true });
    const set = (changes) => app.setUser(el, Object.assign({}, userObject(app, el), changes));
    const field = multi ? "prefix" : "name";
    const name = h("input", { id: f.id, type: "text" });
    name.addEventListener("input", () => set({ [field]: name.value }));
    const allowed = isObj(el.doc.constraints) && Array.isArray(el.doc.constraints.allowedTypes) ? el.doc.constraints.allowedTypes : STORAGE_TYPES;
    const type = h("select", { "aria-label": "Storage account type" }, allowed.map((t) => h("option", { value: String(t), text: String(t) })));
    type.addEventListener("change", () => set({ type: type.value }));
    f.ctl.append(name, h("div", { class: "pv-sublabel", text: multi ? part(el.doc.label, "type", "Type") : "Type" }), type);
    approximated(f);
    return {
      root: f.root,
      update(st) {
        f.update(st);
        if (!st.visible || st.error || !isObj(st.value)) return;
        if (document.activeElement !== name) name.value = st.value[field] || "";
        type.value = multi ? (st.value.types || [])[0] : st.value.type;
      },
    };
  }

  const BUILDERS = {
    "Microsoft.Common.TextBox": (app, el) => textControl(app, el, "text"),
    "Microsoft.Compute.UserNameTextBox": (app, el) => textControl(app, el, "user"),
    "Microsoft.Common.PasswordBox": passwordBox,
    "Microsoft.Common.DropDown": dropDown,
    "Microsoft.Common.OptionsGroup": optionsGroup,
    "Microsoft.Common.CheckBox": checkBox,
    "Microsoft.Common.Slider": slider,
    "Microsoft.Compute.SizeSelector": sizeSelector,
    "Microsoft.Compute.CredentialsCombo": credentialsCombo,
    "Microsoft.Solutions.ResourceSelector": resourceSelector,
    "Microsoft.Solutions.ArmApiControl": hidden,
    "Microsoft.Common.TagsByResource": tagsByResource,
    "Microsoft.Common.InfoBox": infoBox,
    "Microsoft.Common.TextBlock": textBlock,
    "Microsoft.Common.Section": section,
    "Microsoft.Network.VirtualNetworkCombo": vnetCombo,
    "Microsoft.Network.PublicIpAddressCombo": publicIpCombo,
    "Microsoft.Common.FileUpload": fileUpload,
    "Microsoft.Common.ServicePrincipalSelector": servicePrincipal,
    "Microsoft.Storage.StorageAccountSelector": (app, el) => storageAccount(app, el, false),
    "Microsoft.Storage.MultiStorageAccountCombo": (app, el) => storageAccount(app, el, true),
  };

  // ---------------------------------------------------------------------------- review values

  /** What the Review + create tab lists for an element (null: not listed). */
  function display(app, run, el, value) {
    switch (el.type) {
      case "Microsoft.Common.PasswordBox":
        return value ? "••••••••" : "";
      case "Microsoft.Common.DropDown":
      case "Microsoft.Common.OptionsGroup": {
        let items = [];
        try {
          items = run.items(el);
        } catch (exc) {
          items = [];
        }
        const label = (v) => text((items.find((i) => U.equal(i.value, v)) || { label: U.toString(v) }).label);
        return Array.isArray(value) && el.doc.multiselect === true ? value.map(label).join(", ") : (value === null ? "" : label(value));
      }
      case "Microsoft.Common.CheckBox":
        return value ? "Yes" : "No";
      case "Microsoft.Compute.CredentialsCombo":
        if (!isObj(value)) return "";
        if (value.authenticationType === "password") return "Password ••••••••";
        return value.generateNewSshKey ? `New key pair ${value.sshKeyName}` : `SSH public key ${String(value.sshPublicKey).slice(0, 28)}…`;
      case "Microsoft.Solutions.ResourceSelector":
        return isObj(value) ? String(value.name || value.id) : "";
      case "Microsoft.Compute.SizeSelector":
        return value === null ? "" : sizeText(app, value);
      case "Microsoft.Common.TagsByResource": {
        const n = isObj(value) ? Object.values(value).reduce((a, t) => a + Object.keys(t).length, 0) : 0;
        return n ? Object.entries(value).map(([t, tags]) => `${t.split("/").pop()}: ${Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(", ")}`).join("; ") : "None";
      }
      case "Microsoft.Common.InfoBox":
      case "Microsoft.Common.TextBlock":
      case "Microsoft.Solutions.ArmApiControl":
      case "Microsoft.Common.Section":
      case U.PLACEHOLDER:
        return null;
      case "Microsoft.Network.VirtualNetworkCombo":
        return isObj(value) ? `${value.newOrExisting === "new" ? "(new) " : ""}${value.name}` : "";
      case "Microsoft.Network.PublicIpAddressCombo":
        return isObj(value) ? (value.newOrExistingOrNone === "none" ? "None" : `(new) ${value.name}`) : "";
      case "Microsoft.Common.ServicePrincipalSelector":
        return isObj(value) ? value.appId : "";
      case "Microsoft.Common.FileUpload":
        return value ? "A file" : "None";
      default:
        return value === null || value === undefined ? "" : U.toString(value);
    }
  }

  // ----------------------------------------------------------------------------------- the app

  class App {
    /** The wizard of `data` (what armgen/preview/page.py inlines) drawn into `root`. */
    constructor(root, data) {
      this.rootEl = root;
      this.data = data;
      this.values = {};
      this.api = {};
      this.touched = new Set();
      this.attempted = new Set();
      this.uiBlocks = new Map();
      this.controls = new Map();
      this.tab = 0;
      this.downloads = 0;
      this.sample = isObj(data.data) ? data.data : {};
      const extras = isObj(this.sample.preview) ? this.sample.preview : {};
      this.sizeDetails = isObj(extras.sizes) ? extras.sizes : {};
      this.env = makeEnvironment(this.sample);
      this.subscriptions = Array.isArray(extras.subscriptions) && extras.subscriptions.length ? extras.subscriptions : [this.env.subscription];
      this.resourceGroups = (Array.isArray(extras.resourceGroups) ? extras.resourceGroups : []).filter(isObj);
      if (!this.resourceGroups.some((g) => g.name === this.env.resourceGroup.name)) this.resourceGroups.unshift(this.env.resourceGroup);
      this.template = isObj(data.template) ? data.template : null;
      this.doc = data.createUiDefinition;
      this.config = isObj(this.doc) && isObj(this.doc.parameters) && isObj(this.doc.parameters.config) ? this.doc.parameters.config : {};
      this.wizard = new U.Wizard(this.doc, this.env, { extraControls: EXTRA, lenient: true });
      this.fixRegion();
      this.layout();
      this.rerun();
      this.show(0);
    }

    // --- values -------------------------------------------------------------------------------

    container(el, create) {
      if (!hasOwn(this.values, el.step)) {
        if (!create) return null;
        this.values[el.step] = {};
      }
      let node = this.values[el.step];
      for (const p of el.path.slice(0, -1)) {
        if (!isObj(node[p])) {
          if (!create) return null;
          node[p] = {};
        }
        node = node[p];
      }
      return node;
    }

    getUser(el) {
      const c = this.container(el, false);
      const name = el.path[el.path.length - 1];
      return c && hasOwn(c, name) ? c[name] : MISSING;
    }

    setUser(el, value) {
      const c = this.container(el, true);
      c[el.path[el.path.length - 1]] = value;
      this.touched.add(el.key);
      this.rerun();
    }

    dropUser(el) {
      const c = this.container(el, false);
      if (c) delete c[el.path[el.path.length - 1]];
    }

    setUiBlock(el, message) {
      if (message) this.uiBlocks.set(el.key, message);
      else this.uiBlocks.delete(el.key);
      this.touched.add(el.key);
      this.refresh();
    }

    // --- runs ---------------------------------------------------------------------------------

    /** Run the wizard on the current values and redraw what changed. A hidden element's value
     * is not kept (the portal forgets it: shown again, it starts from its default). */
    rerun() {
      try {
        this.run = this.wizard.start(this.values, this.api);
        this.outcome = this.run.outcome();
      } catch (exc) {
        // Not an evaluation error of the document (those are in the outcome): a bug of the page,
        // shown as such over an empty outcome, so the rest of the page still draws.
        this.outcome = { blocked: [], errors: [String(exc && exc.message)], outputs: null, ok: false,
                         elements: new Map(), errorsByKey: new Map() };
        this.fail(exc);
        return;
      }
      for (const el of this.wizard.order) {
        const st = this.outcome.elements.get(el.key);
        if (st && !st.visible && this.getUser(el) !== MISSING) this.dropUser(el);
      }
      this.refresh();
    }

    blocksOf(step) {
      const out = this.outcome.blocked.filter((b) => b.step === step).map((b) => Object.assign({ key: U.keyOf(b.step, b.element.split(".")) }, b));
      for (const [key, message] of this.uiBlocks) {
        const el = this.wizard.elements.get(key);
        const st = this.outcome.elements.get(key);
        if (el && el.step === step && st && st.visible) out.push({ key, step, element: el.path.join("."), message });
      }
      return out;
    }

    stepBlocked(step) {
      return this.blocksOf(step).length > 0;
    }

    refresh() {
      try {
        this.refreshControls();
        this.refreshChrome();
      } catch (exc) {
        this.fail(exc);
      }
    }

    refreshControls() {
      const byKey = new Map();
      for (const step of this.wizard.steps) for (const b of this.blocksOf(step)) {
        if (!byKey.has(b.key)) byKey.set(b.key, []);
        byKey.get(b.key).push(b.message);
      }
      for (const [key, control] of this.controls) {
        const el = this.wizard.elements.get(key);
        const st = this.outcome.elements.get(key);
        const error = this.outcome.errorsByKey.get(key) || null;
        control.update({
          visible: st ? st.visible : true, value: st ? st.value : null, options: st ? st.options : null,
          messages: byKey.get(key) || [], showMessages: this.touched.has(key) || this.attempted.has(el.step),
          error, run: this.run,
        });
      }
    }

    // --- layout -------------------------------------------------------------------------------

    title() {
      return this.data.title || "your offer";
    }

    layout() {
      clear(this.rootEl);
      const steps = this.wizard.steps;
      this.tabs = h("div", { class: "pv-tabs", role: "tablist" });
      this.tabButtons = [];
      const labels = steps.map((s) => (s === U.BASICS ? "Basics" : text(this.wizard.stepDocs[s].label) || s)).concat(["Review + create"]);
      labels.forEach((label, i) => {
        const b = h("button", { class: "pv-tab", role: "tab", type: "button", "data-tab": String(i), onclick: () => this.goTo(i) },
          h("span", { class: "pv-tab-mark", hidden: true, text: "●" }), label);
        this.tabButtons.push(b);
        this.tabs.append(b);
      });
      this.tabLabels = labels;
      this.body = h("div", { class: "pv-body", role: "tabpanel" });
      this.primary = h("button", { class: "pv-btn pv-primary", type: "button", id: "pv-primary" });
      this.prev = h("button", { class: "pv-btn", type: "button", id: "pv-previous", text: "< Previous", onclick: () => this.goTo(this.tab - 1) });
      this.next = h("button", { class: "pv-btn", type: "button", id: "pv-next", onclick: () => this.onNext() });
      this.primary.addEventListener("click", () => this.onPrimary());
      this.notes = h("details", { class: "pv-notes" });
      const source = this.data.source ? ` · ${this.data.source}` : "";
      this.rootEl.append(
        h("header", { class: "pv-topbar" }, h("span", { class: "pv-brand", text: "armgen" }), h("span", { class: "pv-topnote", text: "wizard preview · offline · nothing is deployed" })),
        h("main", { class: "pv-main" },
          h("nav", { class: "pv-breadcrumb", text: "Home  >  Marketplace  >  " + this.title() }),
          h("h1", { class: "pv-title", text: `Create ${this.title()}` }),
          h("div", { class: "pv-subtitle", text: `Preview of createUiDefinition.json${source} · answers from ${this.data.dataSource || "sample data"}` }),
          this.tabs, this.body, this.notes),
        h("footer", { class: "pv-footer" }, this.primary, this.prev, this.next),
      );
    }

    refreshChrome() {
      const last = this.tabLabels.length - 1;
      this.tabButtons.forEach((b, i) => {
        b.classList.toggle("pv-active", i === this.tab);
        b.setAttribute("aria-selected", i === this.tab ? "true" : "false");
        const step = this.wizard.steps[i];
        const bad = step !== undefined && this.attempted.has(step) && this.stepBlocked(step);
        b.querySelector(".pv-tab-mark").hidden = !bad;
        b.classList.toggle("pv-tab-invalid", bad);
      });
      const review = this.tab === last;
      this.primary.textContent = review ? "Create" : "Review + create";
      this.primary.disabled = review;
      this.primary.title = review ? "This is a preview: nothing is deployed. Download parameters.json instead." : "";
      this.prev.disabled = this.tab === 0;
      if (review) {
        this.next.textContent = "Download parameters.json";
        this.next.disabled = !this.outcome.ok || this.anyBlocked();
      } else {
        this.next.textContent = `Next : ${this.tabLabels[this.tab + 1]} >`;
        this.next.disabled = false;
      }
      this.refreshNotes();
    }

    anyBlocked() {
      return this.wizard.steps.some((s) => this.stepBlocked(s));
    }

    // --- navigation ---------------------------------------------------------------------------

    onNext() {
      const last = this.tabLabels.length - 1;
      if (this.tab === last) {
        this.download();
        return;
      }
      this.goTo(this.tab + 1);
    }

    onPrimary() {
      if (this.tab === this.tabLabels.length - 1) return;
      this.goTo(this.tabLabels.length - 1);
    }

    /** Go to tab `i`. Going forward validates every step passed over, as the portal's Next does:
     * the first blocked one is shown with its messages instead. Review + create validates all. */
    goTo(i) {
      const last = this.tabLabels.length - 1;
      if (i < 0 || i > last) return;
      if (i > this.tab) {
        const upto = i === last ? last : i;
        for (let s = this.tab; s < upto; s += 1) {
          const step = this.wizard.steps[s];
          if (i === last) for (const st of this.wizard.steps) this.attempted.add(st);
          if (this.stepBlocked(step)) {
            this.attempted.add(step);
            if (i !== last) {
              this.show(s);
              this.focusFirstInvalid();
              return;
            }
          }
        }
      }
      this.show(i);
    }

    show(i) {
      this.tab = i;
      clear(this.body);
      this.controls = new Map();
      const last = this.tabLabels.length - 1;
      try {
        if (i === last) this.body.append(this.reviewTab());
        else this.body.append(this.stepTab(this.wizard.steps[i]));
      } catch (exc) {
        this.fail(exc);
        return;
      }
      this.refresh();
      this.body.setAttribute("data-showing", i === last ? "review" : this.wizard.steps[i]);
    }

    focusFirstInvalid() {
      const bad = this.body.querySelector(".pv-invalid");
      if (bad) {
        bad.scrollIntoView({ block: "center" });
        const input = bad.querySelector("input, select, textarea");
        if (input) input.focus({ preventScroll: true });
      }
    }

    /** One element's DOM (a Section builds its children through this too). */
    build(el) {
      const builder = BUILDERS[el.type] || placeholder;
      let control;
      try {
        control = builder(this, el);
      } catch (exc) {
        control = placeholder(this, Object.assign({}, el, { problem: String(exc && exc.message) }));
        this.reportError(exc);
      }
      this.controls.set(el.key, control);
      return control.root;
    }

    stepTab(step) {
      const frag = h("div", { class: "pv-step", "data-step": step });
      if (step === U.BASICS) {
        const cfg = isObj(this.config.basics) ? this.config.basics : {};
        if (typeof cfg.description === "string") frag.append(h("div", { class: "pv-description" }, markdown(cfg.description)));
        frag.append(this.projectDetails(cfg));
      } else {
        const sd = this.wizard.stepDocs[step];
        const bladeTitle = text(sd.bladeTitle);
        if (bladeTitle && bladeTitle !== text(sd.label)) frag.append(h("h2", { class: "pv-step-title", text: bladeTitle }));
      }
      const names = this.wizard.top[step] || [];
      for (const name of names) frag.append(this.build(this.wizard.elements.get(U.keyOf(step, [name]))));
      if (!names.length) frag.append(h("div", { class: "pv-empty", text: "This step has no elements." }));
      return frag;
    }

    /** Basics' project and instance details: subscription, resource group and region, which the
     * portal adds to every wizard; they set what subscription(), resourceGroup() and location()
     * answer and what the pickers list. */
    projectDetails(cfg) {
      const frag = document.createDocumentFragment();
      const row = (label, control, tip) => h("div", { class: "pv-row" },
        h("div", { class: "pv-label" }, h("label", { text: label }), h("span", { class: "pv-req", text: " *" }),
          tip ? h("span", { class: "pv-tip", title: tip, text: "i" }) : null),
        h("div", { class: "pv-right" }, h("div", { class: "pv-control" }, control)));
      frag.append(h("h2", { class: "pv-group", text: "Project details" }),
        h("p", { class: "pv-dim", text: "Select the subscription to manage deployed resources and costs. Use resource groups like folders to organize and manage all your resources." }));
      const sub = h("select", { id: "pv-subscription" }, this.subscriptions.map((s, i) => h("option", { value: String(i), text: s.displayName || s.subscriptionId || s.id })));
      sub.value = String(Math.max(0, this.subscriptions.findIndex((s) => s.id === this.env.subscription.id)));
      sub.addEventListener("change", () => {
        this.env.subscription = Object.assign({}, this.subscriptions[Number(sub.value)]);
        this.fixRegion();
        this.rerun();
        this.show(this.tab);
      });
      frag.append(row("Subscription", sub));
      const allowExisting = !(isObj(cfg.resourceGroup) && cfg.resourceGroup.allowExisting === false);
      const rg = h("select", { id: "pv-resource-group" },
        allowExisting ? this.resourceGroups.map((g) => h("option", { value: `existing:${g.name}`, text: g.name })) : null,
        h("option", { value: "new", text: "(new) resource group" }));
      const rgName = h("input", { type: "text", id: "pv-resource-group-name", "aria-label": "Name of the new resource group" });
      const applyRg = () => {
        if (rg.value === "new") {
          this.env.resourceGroup = { name: rgName.value, location: this.env.location, mode: "New" };
        } else {
          const g = this.resourceGroups.find((x) => `existing:${x.name}` === rg.value) || this.resourceGroups[0];
          this.env.resourceGroup = { name: g.name, location: g.location || this.env.location, mode: "Existing" };
        }
        rgName.hidden = rg.value !== "new";
        this.rerun();
      };
      rg.value = this.env.resourceGroup.mode === "New" || !allowExisting ? "new" : `existing:${this.env.resourceGroup.name}`;
      rgName.value = this.env.resourceGroup.mode === "New" ? this.env.resourceGroup.name : "";
      rgName.hidden = rg.value !== "new";
      rg.addEventListener("change", applyRg);
      rgName.addEventListener("input", applyRg);
      frag.append(row("Resource group", h("div", {}, rg, rgName)));
      const locCfg = isObj(cfg.location) ? cfg.location : {};
      if (locCfg.visible !== false) {
        frag.append(h("h2", { class: "pv-group", text: "Instance details" }));
        const regions = this.regions(locCfg);
        const region = h("select", { id: "pv-region" }, regions.map((r) => h("option", { value: r.name, text: r.displayName || r.name })));
        region.value = this.env.location;
        region.addEventListener("change", () => {
          this.env.location = region.value;
          if (this.env.resourceGroup.mode === "New") this.env.resourceGroup.location = region.value;
          this.rerun();
        });
        frag.append(row(text(locCfg.label) || "Region", region, text(locCfg.toolTip)));
      }
      return frag;
    }

    locationConfig() {
      const cfg = isObj(this.config.basics) ? this.config.basics : {};
      return isObj(cfg.location) ? cfg.location : {};
    }

    /** Basics' region is one the list offers (the sample's first choice may not be). */
    fixRegion() {
      const regions = this.regions(this.locationConfig());
      if (!regions.some((r) => r.name === this.env.location)) this.env.location = regions[0].name;
    }

    /** The regions the Basics list offers: the subscription's locations answer in the sample
     * data (names, display names, zones), limited to config.basics.location.allowedValues. */
    regions(locCfg) {
      const answer = this.env.answer("GET", `${this.env.subscription.id}/locations`);
      let regions = isObj(answer) && Array.isArray(answer.value) ? answer.value.filter((r) => isObj(r) && typeof r.name === "string") : [];
      if (!regions.length) regions = [{ name: this.env.location }];
      if (Array.isArray(locCfg.allowedValues) && locCfg.allowedValues.length) {
        const allowed = locCfg.allowedValues.map((x) => norm(x));
        const kept = regions.filter((r) => allowed.includes(norm(r.name)));
        regions = kept.length ? kept : regions;
      }
      return regions;
    }

    // --- review + create ---------------------------------------------------------------------

    reviewTab() {
      const frag = h("div", { class: "pv-review", "data-step": "review" });
      const blocked = this.wizard.steps.filter((s) => this.stepBlocked(s));
      const errors = this.outcome.errors;
      if (blocked.length || errors.length) {
        const box = h("div", { class: "pv-banner pv-banner-error", id: "pv-validation" },
          h("strong", { text: blocked.length ? "Validation failed. Required information is missing or not valid." : "The wizard cannot be evaluated." }));
        const list = h("ul");
        for (const s of blocked) {
          const i = this.wizard.steps.indexOf(s);
          const first = this.blocksOf(s)[0];
          list.append(h("li", {}, h("a", { href: "#", onclick: (e) => { e.preventDefault(); this.show(i); this.focusFirstInvalid(); }, text: this.tabLabels[i] }),
            `: ${first.message}`));
        }
        for (const e of errors) list.append(h("li", { text: e }));
        box.append(list);
        frag.append(box);
      } else {
        frag.append(h("div", { class: "pv-banner pv-banner-ok", id: "pv-validation" }, h("strong", { text: "✓ Validation passed" })));
      }
      frag.append(h("h2", { class: "pv-group", text: "Basics" }));
      const dl = h("dl", { class: "pv-summary" });
      const item = (k, v) => dl.append(h("dt", { text: k }), h("dd", { text: v }));
      item("Subscription", this.env.subscription.displayName || this.env.subscription.id);
      item("Resource group", `${this.env.resourceGroup.mode === "New" ? "(new) " : ""}${this.env.resourceGroup.name}`);
      const region = this.regions(this.locationConfig()).find((r) => r.name === this.env.location);
      item("Region", region && region.displayName ? region.displayName : this.env.location);
      frag.append(dl);
      for (const step of this.wizard.steps) {
        const rows = this.summaryRows(step, this.wizard.top[step] || [], []);
        if (step !== U.BASICS) frag.append(h("h2", { class: "pv-group", text: this.tabLabels[this.wizard.steps.indexOf(step)] }));
        const list = step === U.BASICS ? dl : h("dl", { class: "pv-summary" });
        for (const [k, v] of rows) list.append(h("dt", { text: k }), h("dd", { text: v }));
        if (step !== U.BASICS) frag.append(rows.length ? list : h("p", { class: "pv-dim", text: "Nothing to review on this step." }));
      }
      frag.append(this.parametersSection());
      return frag;
    }

    summaryRows(step, names, prefix) {
      const rows = [];
      for (const name of names) {
        const el = this.wizard.elements.get(U.keyOf(step, prefix.concat([name])));
        const st = this.outcome.elements.get(el.key);
        if (!st || !st.visible) continue;
        if (el.type === "Microsoft.Common.Section") {
          rows.push(...this.summaryRows(step, el.children, el.path).map(([k, v]) => [`${el.label} › ${k}`, v]));
          continue;
        }
        const shown = display(this, this.run, el, st.value);
        if (shown !== null) rows.push([el.label, shown]);
      }
      return rows;
    }

    /** The deploymentParameters document of the outputs; secure parameters left out. */
    parametersDocument() {
      const outputs = this.outcome.outputs;
      if (outputs === null) return null;
      const declared = this.template && isObj(this.template.parameters) ? this.template.parameters : {};
      const byLower = new Map(Object.keys(declared).map((k) => [k.toLowerCase(), k]));
      const parameters = {};
      const secure = [];
      for (const name of Object.keys(outputs)) {
        const spec = declared[byLower.get(name.toLowerCase())];
        const ptype = isObj(spec) ? String(spec.type || "").toLowerCase() : "";
        if (ptype === "securestring" || ptype === "secureobject") {
          secure.push(name);
          continue;
        }
        parameters[name] = { value: outputs[name] };
      }
      return { doc: { $schema: PARAMETERS_SCHEMA, contentVersion: "1.0.0.0", parameters }, secure };
    }

    parametersSection() {
      const frag = h("section", { class: "pv-parameters" });
      frag.append(h("h2", { class: "pv-group", text: "Parameters" }));
      const built = this.parametersDocument();
      if (built === null || this.anyBlocked()) {
        frag.append(h("p", { class: "pv-dim", text: "The parameters appear here once every step is valid." }));
        return frag;
      }
      if (this.template) {
        const problems = U.checkParameters(this.template, this.outcome.outputs);
        frag.append(problems.length
          ? h("div", { class: "pv-banner pv-banner-error", id: "pv-acceptance" }, h("strong", { text: "The template would refuse these parameters:" }),
            h("ul", {}, problems.map((p) => h("li", { text: p }))))
          : h("div", { class: "pv-banner pv-banner-ok", id: "pv-acceptance" },
            h("strong", { text: "✓ The template accepts these parameters" }), " (types, allowed values, lengths and ranges checked as Resource Manager checks them)."));
      } else {
        frag.append(h("div", { class: "pv-banner", id: "pv-acceptance", text: "No template was found beside the createUiDefinition: the parameters are not checked." }));
      }
      if (built.secure.length) {
        frag.append(h("p", { class: "pv-dim", text: `Secure parameters are not written to parameters.json (az deployment group create asks for them): ${built.secure.join(", ")}.` }));
      }
      frag.append(h("pre", { class: "pv-json", id: "pv-parameters-json", text: JSON.stringify(built.doc, null, 2) }));
      frag.append(h("p", { class: "pv-dim" }, "Deploy it with ", h("code", { text: "az deployment group create -g <resource group> --template-file mainTemplate.json --parameters @parameters.json" }),
        " or preview it with ", h("code", { text: "armgen what-if -g <resource group> -p parameters.json" }), "."));
      return frag;
    }

    download() {
      const built = this.parametersDocument();
      if (built === null) return;
      const blob = new Blob([JSON.stringify(built.doc, null, 2) + "\n"], { type: "application/json" });
      const url = URL.createObjectURL(blob);
      const a = h("a", { href: url, download: "parameters.json", hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      this.downloads += 1;
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    }

    // --- notes and failures ---------------------------------------------------------------------

    refreshNotes() {
      clear(this.notes);
      const items = [];
      for (const p of this.wizard.problems) items.push(h("li", { text: p }));
      for (const e of this.outcome.errors) items.push(h("li", { class: "pv-note-error", text: e }));
      for (const el of this.wizard.order) {
        if (el.type !== "Microsoft.Solutions.ArmApiControl") continue;
        const request = isObj(el.doc.request) ? el.doc.request : {};
        const method = safeEv(this.run, el, hasOwn(request, "method") ? request.method : "GET", "request", "method");
        const path = safeEv(this.run, el, request.path, "request", "path");
        const st = this.outcome.elements.get(el.key);
        const answered = st && st.value !== null;
        items.push(h("li", { text: typeof path === "string"
          ? `${el.path.join(".")}: ${method} ${path} → ${answered ? "answered from the sample data" : "no answer in the sample data (null)"}`
          : `${el.path.join(".")}: no request yet (its path cannot be built until the values it reads are chosen)` }));
      }
      if (EXTRA_TYPES.some((t) => this.wizard.order.some((el) => el.type === t))) {
        items.push(h("li", { text: "Controls marked 'approximated' have no counterpart in armgen's evaluator: their values follow Microsoft's documented shapes, filled from defaults and the sample data." }));
      }
      this.notes.hidden = !items.length;
      this.notes.append(h("summary", { text: `Preview details (${items.length})` }), h("ul", {}, items));
    }

    reportError(exc) {
      const list = root.__armgenErrors;
      if (Array.isArray(list)) list.push(String(exc && exc.stack ? exc.stack : exc));
    }

    /** Something this page did not expect: say so on the page (never a blank page). */
    fail(exc) {
      this.reportError(exc);
      const box = h("div", { class: "pv-banner pv-banner-error pv-internal" },
        h("strong", { text: "The preview failed: " }), String(exc && exc.message ? exc.message : exc));
      if (this.body) this.body.prepend(box);
      else this.rootEl.append(box);
    }
  }

  const EXTRA_TYPES = Object.keys(EXTRA);

  root.ArmgenPreview = { App, EXTRA };

  // Start the page's own wizard (a page without inlined data, e.g. a test harness, starts none).
  const dataNode = typeof document !== "undefined" ? document.getElementById("armgen-data") : null;
  if (dataNode) {
    const start = () => {
      try {
        root.armgenPreview = new App(document.getElementById("armgen-app"), JSON.parse(dataNode.textContent));
      } catch (exc) {
        const list = root.__armgenErrors;
        if (Array.isArray(list)) list.push(String(exc && exc.stack ? exc.stack : exc));
        const app = document.getElementById("armgen-app");
        app.textContent = `The preview failed: ${exc && exc.message ? exc.message : exc}`;
      }
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})(typeof globalThis !== "undefined" ? globalThis : this);
