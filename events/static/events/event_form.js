/* Event form: suggest the provisions a transfer breaches and add them as violation rows on request. */
"use strict";
(function () {
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function violationGroup() { return document.getElementById("violations-group"); }

  function chosenProvisionIds() {
    const group = violationGroup();
    if (!group) { return new Set(); }
    const ids = Array.from(group.querySelectorAll("select[name$='-provision']"))
      .filter((select) => !select.name.includes("__prefix__"))
      .map((select) => select.value)
      .filter(Boolean);
    return new Set(ids);
  }

  function addViolation(button) {
    const group = violationGroup();
    const addLink = group && group.querySelector(".add-row a");
    if (!addLink) { return; }
    const id = button.dataset.provisionId;
    if (chosenProvisionIds().has(id)) { return markAdded(button); }
    addLink.click();
    const rows = group.querySelectorAll(".inline-related:not(.empty-form)");
    const row = rows[rows.length - 1];
    const select = row.querySelector("select[name$='-provision']");
    const option = new Option(button.dataset.label, id, true, true);
    select.appendChild(option);
    if (window.django && window.django.jQuery) { window.django.jQuery(select).trigger("change"); }
    const rationale = row.querySelector("textarea[name$='-rationale']");
    if (rationale && !rationale.value) { rationale.value = button.dataset.reason; }
    markAdded(button);
  }

  function markAdded(button) {
    button.disabled = true;
    button.textContent = "Added: save to keep it";
    button.closest("li").classList.add("added");
  }

  function render(box, suggestions) {
    const list = box.querySelector(".suggestion-list");
    list.replaceChildren();
    if (!suggestions.length) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = "No provision of a loaded sanctions regime applies to this supplier and recipient.";
      list.appendChild(empty);
      return;
    }
    const chosen = chosenProvisionIds();
    for (const suggestion of suggestions) {
      const item = document.createElement("li");
      item.dataset.provisionId = suggestion.id;
      const label = document.createElement("strong");
      label.textContent = suggestion.label;
      item.append(label, " — " + suggestion.reason + " ");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button add-violation";
      button.dataset.provisionId = suggestion.id;
      button.dataset.label = suggestion.label;
      button.dataset.reason = suggestion.reason;
      button.textContent = "Add as violation";
      button.title = suggestion.summary;
      item.appendChild(button);
      list.appendChild(item);
      if (chosen.has(String(suggestion.id))) { markAdded(button); }
    }
  }

  function refresh(box) {
    const supplier = document.getElementById("id_supplier");
    const recipient = document.getElementById("id_recipient");
    if (!supplier || !recipient) { return; }
    const params = new URLSearchParams({ supplier: supplier.value || "", recipient: recipient.value || "" });
    fetch(box.dataset.url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { suggestions: [] }))
      .then((body) => render(box, body.suggestions));
  }

  ready(function () {
    const box = document.getElementById("provision-suggestions");
    if (!box) { return; }
    if (!violationGroup() || !violationGroup().querySelector(".add-row")) {
      box.classList.add("read-only");
    }
    box.addEventListener("click", function (event) {
      const button = event.target.closest("button.add-violation");
      if (button) { addViolation(button); }
    });
    if (window.django && window.django.jQuery) {
      window.django.jQuery(document).on("change", "#id_supplier, #id_recipient", function () { refresh(box); });
    } else {
      document.addEventListener("change", function (event) {
        if (event.target.id === "id_supplier" || event.target.id === "id_recipient") { refresh(box); }
      });
    }
  });
})();
