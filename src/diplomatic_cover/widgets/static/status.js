// A status line the kernel builds (HTML, every piece escaped there). Each <time datetime>
// in it is shown in the student's own time zone, and says which ("10:42 CET"), as every
// time the kit shows does: the kernel's clock may be in another zone.

function localTime(iso, seconds) {
  const d = new Date(iso);
  if (!iso || isNaN(d)) return null;
  const parts = { hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  if (seconds) parts.second = "2-digit";
  const time = d.toLocaleTimeString([], parts);
  if (d.toDateString() === new Date().toDateString()) return time;
  return `${time} on ${d.toLocaleDateString([], { day: "numeric", month: "short" })}`;
}

function render({ model, el: host }) {
  const line = document.createElement("div");
  line.className = "dc-status-line";
  host.append(line);
  const show = () => {
    line.innerHTML = model.get("value"); // built by the kit, escaped with pages.fragments.esc
    for (const stamp of line.querySelectorAll("time[datetime]")) {
      const shown = localTime(stamp.getAttribute("datetime"), stamp.dataset.precision === "seconds");
      if (shown) {
        stamp.textContent = shown;
        stamp.title = new Date(stamp.getAttribute("datetime")).toString();
      }
    }
  };
  // A page shown in a frame (feedback) takes the height of its content: it runs no
  // scripts (sandboxed), so the frame is sized from here once it has loaded.
  const fit = () => {
    for (const frame of line.querySelectorAll("iframe[data-fit]")) {
      frame.addEventListener("load", () => {
        const doc = frame.contentDocument;
        if (doc && doc.documentElement) frame.style.height = `${doc.documentElement.scrollHeight + 20}px`;
      });
    }
  };
  model.on("change:value", () => { show(); fit(); });
  show();
  fit();
}

export default { render };
