// The "who are you?" box of notebook 00: a labelled text field and a Save button.
function render({ model, el: host }) {
  const id = `dc-name-${Math.random().toString(36).slice(2, 8)}`;
  const root = document.createElement("section");
  root.className = "dc-question";
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.addEventListener("keydown", (e) => { if (e.key !== "Tab" && e.key !== "Escape") e.stopPropagation(); });
  const label = document.createElement("label");
  label.htmlFor = id;
  label.className = "dc-question-prompt";
  label.textContent = "Your name or student id (as your instructor should see it)";
  const input = document.createElement("input");
  input.id = id;
  input.type = "text";
  input.className = "dc-input";
  input.value = model.get("name");
  input.setAttribute("autocomplete", "name");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "dc-button";
  button.textContent = "Save my name";
  const status = document.createElement("div");
  status.className = "dc-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  const row = document.createElement("div");
  row.className = "dc-question-footer";
  row.append(input, button);
  root.append(label, row, status);
  host.append(root);
  const save = () => model.send({ event: "save", name: input.value });
  button.addEventListener("click", save);
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") save(); });
  const show = () => { status.textContent = model.get("status"); };
  model.on("change:status", show);
  model.on("change:name", () => { if (document.activeElement !== input) input.value = model.get("name"); });
  show();
}
export default { render };
