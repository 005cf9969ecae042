// The playground's network view (hlcourse/widgets/playground_network.py): it draws the SVG
// that Python writes and reports what the learner points at. Hover or keyboard focus on a
// node sets `hovered`; a click (or Enter / Space) on a weight or a bias opens a number field,
// and Enter there sends `edit` for Python to check and apply. Python answers in `note`, and
// clears `editing` when the value was taken.

function render({ model, el }) {
  el.classList.add("hlc-network-view");
  const holder = document.createElement("div");
  const editor = document.createElement("div");
  editor.className = "hlc-network-editor";
  editor.style.cssText = "margin:4px 0;font-size:12px;min-height:1.4em";
  const label = document.createElement("label");
  const input = document.createElement("input");
  input.type = "text";
  input.inputMode = "decimal";
  input.size = 10;
  input.style.marginLeft = "6px";
  label.append(document.createTextNode(""), input);
  const note = document.createElement("div");
  note.setAttribute("role", "status");
  editor.append(label, note);
  el.append(holder, editor);

  let redrawing = false;
  let sent = 0;

  const setHovered = (key) => {
    if (model.get("hovered") !== key) {
      model.set("hovered", key);
      model.save_changes();
    }
  };
  const nodeOf = (target) => (target && target.closest ? target.closest("[data-node]") : null);

  const draw = () => {
    const active = document.activeElement;
    const focused = active && holder.contains(active) ? active.getAttribute("data-key") : null;
    redrawing = true;
    holder.innerHTML = model.get("svg");
    if (focused) {
      const again = holder.querySelector(`[data-key="${CSS.escape(focused)}"]`);
      if (again) again.focus({ preventScroll: true });
    }
    redrawing = false;
  };

  const showEditor = () => {
    const key = model.get("editing");
    if (!key) {
      label.firstChild.textContent = "";
      input.hidden = true;
      return;
    }
    const item = holder.querySelector(`[data-edit="${CSS.escape(key)}"]`);
    const words = item ? item.getAttribute("aria-label") : key;
    label.firstChild.textContent = `${words.split(":")[0]}: new value`;
    input.hidden = false;
    input.value = item ? item.getAttribute("data-value") : "";
    input.focus();
    input.select();
  };

  const openEditor = (target) => {
    const item = target && target.closest ? target.closest("[data-edit]") : null;
    if (!item) return false;
    model.set("editing", item.getAttribute("data-edit"));
    model.save_changes();
    showEditor();
    return true;
  };

  holder.addEventListener("mouseover", (event) => {
    const node = nodeOf(event.target);
    setHovered(node ? node.getAttribute("data-node") : "");
  });
  holder.addEventListener("mouseleave", () => setHovered(""));
  holder.addEventListener("focusin", (event) => {
    const node = nodeOf(event.target);
    if (node) setHovered(node.getAttribute("data-node"));
  });
  holder.addEventListener("focusout", (event) => {
    if (redrawing || nodeOf(event.relatedTarget)) return;
    setHovered("");
  });
  holder.addEventListener("click", (event) => openEditor(event.target));
  holder.addEventListener("keydown", (event) => {
    if ((event.key === "Enter" || event.key === " ") && openEditor(event.target)) {
      event.preventDefault();
    }
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      sent += 1;
      model.set("edit", { item: model.get("editing"), text: input.value, n: sent });
      model.save_changes();
      event.preventDefault();
    } else if (event.key === "Escape") {
      model.set("editing", "");
      model.save_changes();
    }
  });

  const showNote = () => {
    note.textContent = model.get("note");
  };
  model.on("change:svg", draw);
  model.on("change:editing", showEditor);
  model.on("change:note", showNote);
  draw();
  showEditor();
  showNote();
}

export default { render };
