// A labelled group of radio buttons whose labels wrap: native inputs in a radiogroup, so the
// arrow keys move between options and a screen reader announces the group's name.
function render({ model, el: host }) {
  // Unique per view: each widget may load its own copy of this module, so no counter.
  const uid = `dc-choice-${Math.random().toString(36).slice(2, 10)}`;
  const root = document.createElement("div");
  root.className = "dc-choice-group";
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.addEventListener("keydown", (e) => { if (e.key !== "Tab" && e.key !== "Escape") e.stopPropagation(); });
  const title = document.createElement("div");
  title.id = `${uid}-title`;
  title.className = "dc-sub";
  title.textContent = model.get("title");
  const group = document.createElement("div");
  group.setAttribute("role", "radiogroup");
  group.setAttribute("aria-labelledby", title.id);
  group.className = "dc-choices";
  root.append(title, group);
  host.append(root);

  const inputs = model.get("labels").map((option, i) => {
    const input = document.createElement("input");
    input.type = "radio";
    input.name = uid;
    input.id = `${uid}-${i}`;
    input.dataset.index = String(i);
    const label = document.createElement("label");
    label.className = "dc-choice";
    label.htmlFor = input.id;
    const text = document.createElement("span");
    text.textContent = option.label;
    label.append(input, text);
    group.append(label);
    input.addEventListener("change", () => {
      if (input.checked) {
        model.set("index", i);
        model.save_changes();
      }
    });
    return input;
  });
  const show = () => {
    const index = model.get("index");
    inputs.forEach((input, i) => { input.checked = i === index; });
  };
  model.on("change:index", show);
  show();
}

export default { render };
