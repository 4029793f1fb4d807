// A labelled slider: a native range input with a <label> and an <output>, so a screen reader
// announces its name and value, the arrow keys move it, and a long label wraps instead of
// being cut short. The value is sent when the student lets go (or on each key press).
function format(value, spec) {
  const n = Number(value);
  if (spec === ".0%") return `${Math.round(n * 100)}%`;
  const digits = /^\.(\d)f$/.exec(spec);
  return digits ? n.toFixed(Number(digits[1])) : String(Math.round(n * 1e6) / 1e6);
}

function render({ model, el: host }) {
  const uid = `dc-slider-${Math.random().toString(36).slice(2, 10)}`;
  const root = document.createElement("div");
  root.className = "dc-slider";
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  // Arrow keys belong to the slider, not to JupyterLab's notebook shortcuts.
  root.addEventListener("keydown", (e) => { if (e.key !== "Tab" && e.key !== "Escape") e.stopPropagation(); });
  const label = document.createElement("label");
  label.htmlFor = uid;
  label.className = "dc-slider-label";
  const input = document.createElement("input");
  input.type = "range";
  input.id = uid;
  const out = document.createElement("output");
  out.htmlFor = uid;
  out.className = "dc-slider-value";
  root.append(label, input, out);
  host.append(root);

  const show = () => {
    const spec = model.get("readout_format");
    out.textContent = format(input.value, spec);
    input.setAttribute("aria-valuetext", out.textContent);
  };
  const draw = () => {
    label.textContent = model.get("description");
    label.style.width = model.get("description_width");
    for (const key of ["min", "max", "step"]) input[key] = String(model.get(key));
    input.title = model.get("tooltip") || "";
    input.value = String(model.get("value"));
    show();
  };
  const send = () => { model.set("value", Number(input.value)); model.save_changes(); };
  input.addEventListener("input", () => { show(); if (model.get("continuous_update")) send(); });
  input.addEventListener("change", send);
  for (const name of ["value", "min", "max", "step", "description", "description_width", "readout_format"]) {
    model.on(`change:${name}`, draw);
  }
  draw();
}

export default { render };
