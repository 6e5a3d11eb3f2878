// Filter the links of an archive page by text, kind and domain.
// The page is complete without this script; it only hides list items.
(function () {
  "use strict";

  var form = document.querySelector("form.link-filter");
  var items = Array.prototype.slice.call(document.querySelectorAll("li.link-item"));
  if (!form || items.length === 0) {
    return;
  }

  function fillOptions(select, attribute) {
    var values = {};
    items.forEach(function (item) {
      var value = item.getAttribute(attribute);
      if (value) {
        values[value] = true;
      }
    });
    Object.keys(values).sort().forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      select.appendChild(option);
    });
  }

  function matches(item, text, kind, domain) {
    if (kind && item.getAttribute("data-kind") !== kind) {
      return false;
    }
    if (domain && item.getAttribute("data-domain") !== domain) {
      return false;
    }
    return !text || item.textContent.toLowerCase().indexOf(text) !== -1;
  }

  function apply() {
    var text = form.elements.text.value.trim().toLowerCase();
    var kind = form.elements.kind.value;
    var domain = form.elements.domain.value;
    var shown = 0;
    items.forEach(function (item) {
      var visible = matches(item, text, kind, domain);
      item.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    // A day whose links are all hidden hides its heading too.
    document.querySelectorAll(".link-day").forEach(function (day) {
      day.hidden = day.querySelector("li.link-item:not([hidden])") === null;
    });
    form.querySelector(".link-filter-count").textContent = shown + " of " + items.length + " links shown";
  }

  // ?text=, ?kind= and ?domain= in the page's URL preset the filter, so a filtered view can be shared.
  function presetFromAddress() {
    var parameters = new URLSearchParams(window.location.search);
    ["text", "kind", "domain"].forEach(function (name) {
      var value = parameters.get(name);
      if (value !== null) {
        form.elements[name].value = value;
      }
    });
  }

  fillOptions(form.elements.kind, "data-kind");
  fillOptions(form.elements.domain, "data-domain");
  presetFromAddress();
  apply();
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  form.hidden = false;
})();
