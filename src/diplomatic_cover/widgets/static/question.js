// One accessible widget for every question type of the kit.
// Native form controls give keyboard use and screen-reader names for free: radios in a
// fieldset move with the arrow keys, checkboxes toggle with Space, buttons act on Enter and
// Space. Typing is sent to the kernel after a short pause (the kernel saves every change).

const DEBOUNCE_MS = 400;
let counter = 0;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function formatSaved(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d)) return "";
  const now = new Date();
  const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  if (d.toDateString() === now.toDateString()) return `Saved at ${time}`;
  return `Saved ${d.toLocaleDateString([], { day: "numeric", month: "short" })} at ${time}`;
}

function shownWhen(iso) {
  const d = new Date(iso);
  if (!iso || isNaN(d)) return "earlier";
  // With the zone, as formatSaved and every other time the kit shows.
  const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  if (d.toDateString() === new Date().toDateString()) return `at ${time}`;
  return `on ${d.toLocaleDateString([], { day: "numeric", month: "short" })} at ${time}`;
}

function wordCount(text) {
  const words = (text || "").trim().split(/\s+/).filter(Boolean);
  return words.length;
}

// Leaving the page while a save is pending. Typing is sent after a short pause, so a page
// reloaded or closed in that pause would lose the last words. When the page is about to go,
// a pending save is sent at once, and while one is pending or not yet confirmed by the
// kernel the browser asks before leaving. Returns the function that removes the guard.
const UNCONFIRMED_MS = 5000;

function guardUnload(isPending, flush) {
  const onBeforeUnload = (event) => {
    if (!isPending()) return;
    flush();
    event.preventDefault();
    event.returnValue = ""; // some browsers show the question only when this is set
  };
  const onPageHide = () => { if (isPending()) flush(); };
  window.addEventListener("beforeunload", onBeforeUnload);
  window.addEventListener("pagehide", onPageHide);
  return () => {
    window.removeEventListener("beforeunload", onBeforeUnload);
    window.removeEventListener("pagehide", onPageHide);
  };
}

function render({ model, el: host }) {
  const spec = model.get("spec");
  // Unique per view (a question may be shown twice; each widget may load its own module copy).
  const uid = `dcq-${spec.id.replace(/[^a-z0-9]/gi, "-")}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const root = el("section", {
    class: "dc-question",
    "aria-labelledby": `${uid}-title`,
    "data-question-id": spec.id,
    "data-lm-suppress-shortcuts": "true",
  });
  // Keys typed inside the question belong to it, not to JupyterLab's notebook shortcuts.
  root.addEventListener("keydown", (e) => {
    if (e.key !== "Tab" && e.key !== "Escape") e.stopPropagation();
  });
  host.append(root);

  const heading = el("div", { class: "dc-question-title", id: `${uid}-title` },
    el("span", { class: "dc-question-kind", text: spec.title || "Question" }),
    el("span", { class: "dc-question-id", text: ` · ${spec.id}` }));
  const prompt = el("div", { class: "dc-question-prompt", id: `${uid}-prompt` });
  prompt.innerHTML = spec.prompt_html; // rendered by the kit from its own Markdown, HTML escaped
  root.append(heading, prompt);
  if (spec.prediction) {
    // A prediction says when its answer counts (`{when}`: when the result was first shown).
    const text = spec.prediction.note.replace("{when}", shownWhen(spec.prediction.at));
    root.append(el("div", { class: "dc-hint dc-prediction", text }));
  }

  const body = el("div", { class: "dc-question-body" });
  const footer = el("div", { class: "dc-question-footer" });
  const status = el("span", { class: "dc-status", role: "status", "aria-live": "polite" });
  const message = el("div", { class: "dc-message", id: `${uid}-message`, "aria-live": "polite" });
  const clear = el("button", {
    type: "button", class: "dc-button dc-clear", text: "Clear answer",
    "aria-label": `Clear answer to: ${spec.prompt_text}`,
  });
  const compare = el("button", {
    type: "button", class: "dc-button dc-compare", text: "Compare with a model answer",
  });
  const reveal = el("div", { class: "dc-reveal", "aria-live": "polite" });
  footer.append(status, clear, compare);
  const pulse = pulseControl();
  root.append(body, message, footer, pulse, reveal);

  // The live pulse (a poolable question on a hub): on by default, and it says so. The kernel
  // decides whether to offer it (pulse_offered) and reports how sharing went (pulse_status).
  function pulseControl() {
    const box = el("input", {
      type: "checkbox", id: `${uid}-pulse`, class: "dc-pulse-box",
      "aria-describedby": `${uid}-pulse-note ${uid}-pulse-status`,
    });
    const note = el("div", { class: "dc-pulse-note", id: `${uid}-pulse-note`,
      text: "On by default: untick it to keep this answer to yourself. The class sees only " +
        "how many chose each answer, never who, and nothing until 5 people have answered." });
    const pulseStatus = el("div", { class: "dc-pulse-status", id: `${uid}-pulse-status`,
      role: "status", "aria-live": "polite" });
    const wrap = el("div", { class: "dc-pulse", "data-pulse": "" },
      el("label", { class: "dc-choice", for: `${uid}-pulse` }, box,
        el("span", { text: "Share with the class pulse (anonymous)" })),
      note, pulseStatus);
    box.addEventListener("change", () => {
      model.set("pulse_sharing", box.checked);
      model.save_changes();
      pulseStatus.textContent = box.checked ? "Sharing…" : "Taking your answer out…";
    });
    const show = () => {
      wrap.hidden = !model.get("pulse_offered");
      box.checked = Boolean(model.get("pulse_sharing"));
      pulseStatus.textContent = model.get("pulse_status") || "";
    };
    for (const name of ["pulse_offered", "pulse_sharing", "pulse_status"]) model.on(`change:${name}`, show);
    show();
    return wrap;
  }

  let value = model.get("value");
  let lastSent = JSON.stringify(value);
  let timer = null;

  // True while a change waits for its debounce: the status must not say "Saved" then.
  let waiting = false;

  function send(now = false) {
    clearTimeout(timer);
    const push = () => {
      waiting = false;
      const json = JSON.stringify(value);
      if (json === lastSent) {
        showStatus();
        return;
      }
      lastSent = json;
      model.set("value", value === undefined ? null : JSON.parse(json));
      model.save_changes();
      status.textContent = "Saving…";
    };
    if (now) {
      push();
    } else {
      waiting = true;
      status.textContent = "Saving…";
      timer = setTimeout(push, DEBOUNCE_MS);
    }
  }

  // Unload guard (see guardUnload): typed but not sent, or sent but not confirmed.
  let sentAt = 0;
  model.on("change:value", () => {
    if (JSON.stringify(model.get("value")) === lastSent) sentAt = Date.now(); // our own send
  });
  for (const echo of ["change:saved_at", "change:state", "change:message"]) {
    model.on(echo, () => { sentAt = 0; });
  }
  const unguard = guardUnload(
    () => JSON.stringify(value) !== lastSent || (sentAt > 0 && Date.now() - sentAt < UNCONFIRMED_MS),
    () => send(true),
  );

  function setValue(v, now = false) {
    value = v;
    update();
    send(now);
  }

  const drawers = { text, short_text: shortText, single, multiple, scale, number, ranking, classify };
  let update = () => {};

  function text() {
    const area = el("textarea", {
      class: "dc-textarea", rows: 5, "aria-labelledby": `${uid}-prompt`,
      "aria-describedby": `${uid}-count`,
    });
    area.value = value || "";
    const count = el("div", { class: "dc-count", id: `${uid}-count` });
    const min = spec.min_words || 0;
    update = () => {
      const n = wordCount(area.value);
      count.textContent = min ? `${n} words (aim for at least ${min})` : `${n} words`;
      count.classList.toggle("dc-short", min > 0 && n > 0 && n < min);
    };
    area.addEventListener("input", () => { value = area.value; update(); send(); });
    area.addEventListener("blur", () => send(true));
    body.append(area, count);
    return () => { area.value = value || ""; update(); };
  }

  function shortText() {
    const input = el("input", {
      type: "text", class: "dc-input", maxlength: spec.max_chars || 200,
      "aria-labelledby": `${uid}-prompt`,
    });
    input.value = value || "";
    input.addEventListener("input", () => { value = input.value; send(); });
    input.addEventListener("blur", () => send(true));
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") send(true); });
    body.append(input);
    return () => { input.value = value || ""; };
  }

  function radioGroup(name, choices, current, labelledBy, onPick, extraClass = "") {
    const group = el("div", { role: "radiogroup", "aria-labelledby": labelledBy, class: `dc-choices ${extraClass}` });
    const inputs = choices.map((c) => {
      const id = `${uid}-${name}-${c.id}`;
      const input = el("input", { type: "radio", name: `${uid}-${name}`, id, value: c.id });
      input.checked = current === c.id;
      input.addEventListener("change", () => { if (input.checked) onPick(c.id); });
      group.append(el("label", { class: "dc-choice", for: id }, input, el("span", { text: c.label })));
      return input;
    });
    return { group, set: (v) => inputs.forEach((i) => { i.checked = i.value === v; }) };
  }

  function single() {
    const g = radioGroup("opt", spec.options, value, `${uid}-prompt`, (id) => setValue(id, true));
    body.append(g.group);
    return () => g.set(value);
  }

  function multiple() {
    const group = el("div", { role: "group", "aria-labelledby": `${uid}-prompt`, class: "dc-choices" });
    const boxes = spec.options.map((c) => {
      const id = `${uid}-opt-${c.id}`;
      const box = el("input", { type: "checkbox", id, value: c.id });
      box.checked = (value || []).includes(c.id);
      box.addEventListener("change", () => {
        const picked = boxes.filter((b) => b.checked).map((b) => b.value);
        setValue(picked, true);
      });
      group.append(el("label", { class: "dc-choice", for: id }, box, el("span", { text: c.label })));
      return box;
    });
    body.append(group);
    return () => boxes.forEach((b) => { b.checked = (value || []).includes(b.value); });
  }

  function scale() {
    const points = spec.scale_labels.map((label, i) => ({ id: String(i + 1), label }));
    const current = value || {};
    const scaleId = `${uid}-scale-label`;
    body.append(el("div", { id: scaleId, class: "dc-sub", text: "Your view" }));
    const g = radioGroup("point", points, current.point ? String(current.point) : null, `${uid}-prompt ${scaleId}`,
      (id) => setValue({ ...(value || {}), point: Number(id) }, true), "dc-scale");
    body.append(g.group);
    let c = null;
    if (spec.confidence) {
      const confId = `${uid}-conf-label`;
      body.append(el("div", { id: confId, class: "dc-sub", text: "How sure are you?" }));
      const levels = spec.confidence_labels.map((label, i) => ({ id: String(i + 1), label }));
      c = radioGroup("conf", levels, current.confidence ? String(current.confidence) : null, confId,
        (id) => setValue({ ...(value || {}), confidence: Number(id) }, true), "dc-scale");
      body.append(c.group);
    }
    // A view asks for its reason in one line, saved with the point (so it waits for one).
    const why = spec.why ? el("input", {
      type: "text", id: `${uid}-why`, class: "dc-input", maxlength: spec.why_chars || 200,
    }) : null;
    if (why) {
      body.append(el("label", { class: "dc-sub", for: `${uid}-why`,
        text: "Why? One line (optional; your instructor can read it, the class never sees it)" }), why);
      why.value = current.why || "";
      why.disabled = !current.point;
      why.addEventListener("input", () => { value = { ...(value || {}), why: why.value }; send(); });
      why.addEventListener("blur", () => send(true));
      why.addEventListener("keydown", (e) => { if (e.key === "Enter") send(true); });
    }
    update = () => { if (why) why.disabled = !(value && value.point); };
    return () => {
      const v = value || {};
      g.set(v.point ? String(v.point) : null);
      if (c) c.set(v.confidence ? String(v.confidence) : null);
      if (why) why.value = v.why || "";
    };
  }

  function number() {
    const wrap = el("div", { class: "dc-number" });
    const input = el("input", {
      type: "text", inputmode: "decimal", class: "dc-input dc-input-number",
      "aria-labelledby": `${uid}-prompt`, "aria-describedby": `${uid}-range ${uid}-message`,
    });
    input.value = (value && value.raw) || "";
    const range = el("span", { id: `${uid}-range`, class: "dc-unit",
      text: `${spec.unit || ""} (from ${spec.minimum} to ${spec.maximum})` });
    input.addEventListener("input", () => { value = { raw: input.value }; send(); });
    input.addEventListener("blur", () => send(true));
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") send(true); });
    wrap.append(input, range);
    body.append(wrap);
    return () => { input.value = (value && value.raw) || ""; };
  }

  function ranking() {
    const list = el("ol", { class: "dc-ranking", "aria-labelledby": `${uid}-prompt` });
    const live = el("div", { class: "dc-sr-only", "aria-live": "assertive" });
    const hint = el("div", { class: "dc-hint", text: "Use the Up and Down buttons to reorder. The list counts as your answer once you move an item or press Keep this order." });
    const keep = el("button", { type: "button", class: "dc-button", text: "Keep this order" });
    const order = () => (Array.isArray(value) && value.length ? value : spec.options.map((o) => o.id));
    const labelOf = (id) => (spec.options.find((o) => o.id === id) || { label: id }).label;
    function draw(focusId, focusDir) {
      list.replaceChildren();
      const ids = order();
      ids.forEach((id, i) => {
        const up = el("button", { type: "button", class: "dc-move", text: "▲",
          "aria-label": `Move up: ${labelOf(id)}`, disabled: i === 0 });
        const down = el("button", { type: "button", class: "dc-move", text: "▼",
          "aria-label": `Move down: ${labelOf(id)}`, disabled: i === ids.length - 1 });
        const move = (delta) => {
          const next = ids.slice();
          const j = i + delta;
          [next[i], next[j]] = [next[j], next[i]];
          setValue(next, true);
          live.textContent = `${labelOf(id)} is now number ${j + 1} of ${ids.length}`;
          draw(id, delta < 0 ? "up" : "down");
        };
        up.addEventListener("click", () => move(-1));
        down.addEventListener("click", () => move(1));
        list.append(el("li", { class: "dc-rank-item", "data-option": id },
          el("span", { class: "dc-rank-row" },
            el("span", { class: "dc-rank-label", text: labelOf(id) }), up, down)));
        if (id === focusId) {
          const target = focusDir === "up" ? (i === 0 ? down : up) : (i === ids.length - 1 ? up : down);
          setTimeout(() => target.focus(), 0);
        }
      });
    }
    keep.addEventListener("click", () => { setValue(order(), true); live.textContent = "Order saved"; });
    body.append(hint, list, keep, live);
    update = () => {};
    draw();
    return () => draw();
  }

  function classify() {
    const sets = spec.statements.map((s) => {
      const legendId = `${uid}-st-${s.id}`;
      const fs = el("div", { class: "dc-classify-row" },
        el("div", { id: legendId, class: "dc-statement", text: s.label }));
      const g = radioGroup(`st-${s.id}`, spec.labels, (value || {})[s.id] || null, legendId,
        (label) => setValue({ ...(value || {}), [s.id]: label }, true), "dc-inline");
      fs.append(g.group);
      body.append(fs);
      return [s.id, g];
    });
    return () => sets.forEach(([sid, g]) => g.set((value || {})[sid] || null));
  }

  const drawer = drawers[spec.type];
  const redraw = drawer ? drawer() : () => {};
  update();

  clear.addEventListener("click", () => {
    value = null;
    redraw();
    update();
    send(true);
    reveal.replaceChildren();
  });

  compare.addEventListener("click", () => model.send({ event: "reveal" }));

  function showStatus() {
    const saved = model.get("saved_at");
    const state = model.get("state");
    if (state === "cleared") status.textContent = "Answer cleared";
    else if (state === "error") status.textContent = "Not saved: see the message";
    else if (waiting) status.textContent = "Saving…";
    else status.textContent = saved ? formatSaved(saved) : "Not answered yet";
    const msg = model.get("message");
    message.textContent = msg || "";
    message.classList.toggle("dc-visible", Boolean(msg));
    compare.hidden = !model.get("can_compare");
  }
  function showReveal() {
    const r = model.get("reveal") || {};
    reveal.replaceChildren();
    if (!r.html) return;
    const box = el("div", { class: "dc-model", role: "region", "aria-label": r.label || "Model answer" });
    box.innerHTML = r.html; // built by the kit from its answer key (Markdown, HTML escaped)
    reveal.append(box);
  }
  model.on("change:saved_at", showStatus);
  model.on("change:message", showStatus);
  model.on("change:state", showStatus);
  model.on("change:can_compare", showStatus);
  model.on("change:reveal", showReveal);
  model.on("change:value", () => {
    const incoming = model.get("value");
    if (JSON.stringify(incoming) === lastSent) return;
    value = incoming;
    lastSent = JSON.stringify(value);
    redraw();
    update();
  });
  showStatus();
  showReveal();
  return () => { clearTimeout(timer); send(true); unguard(); };
}

export default { render };
