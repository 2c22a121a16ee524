// The person picker of "Lập hồ sơ" (NominationCreateForm): Tom Select (static/vendor/tom-select)
// asks the portal for the people and units the unit may nominate as the user types; the portal
// searches without diacritics ("bui kim yen" finds "Bùi Kim Yến"), so the list shows the
// server's answer as it is. A file, not an inline script: the CSP allows scripts from the portal
// only.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autocomplete-url]").forEach(function (select) {
    var url = select.getAttribute("data-autocomplete-url");
    var text = function (name) { return select.getAttribute("data-" + name) || ""; };
    var escape = function (value) {
      var div = document.createElement("div");
      div.textContent = value;
      return div.innerHTML;
    };
    var picker = new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      optgroupField: "group",
      optgroups: [
        { value: "u", label: text("group-units") },
        { value: "p", label: text("group-people") }
      ],
      placeholder: text("placeholder"),
      maxOptions: 50,
      loadThrottle: 250,
      preload: false,
      // Keep the server's order and matches: it folds diacritics the way the portal stores names.
      score: function () { return function () { return 1; }; },
      load: function (query, callback) {
        var self = this;
        var sep = url.indexOf("?") === -1 ? "?" : "&";
        // The category chosen above narrows the choice: a collective, or a person.
        var category = select.form && select.form.querySelector('[name="category"]');
        var also = category && category.value ? "&doi_tuong=" + encodeURIComponent(category.value) : "";
        fetch(url + sep + "q=" + encodeURIComponent(query) + also, {
          credentials: "same-origin",
          headers: { "Accept": "application/json" }
        })
          .then(function (response) { return response.json(); })
          .then(function (data) { self.clearOptions(); callback(data.results); })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () {
          return '<div class="no-results">' + escape(text("no-results")) + "</div>";
        }
      }
    });
    // Tom Select moves the label to its own input and keeps the original select only to submit
    // the value: hide that one from screen readers (and the tab order) so the field has one
    // labelled control, not a second one without a label.
    select.setAttribute("aria-hidden", "true");
    select.setAttribute("tabindex", "-1");
    var category = select.form && select.form.querySelector('[name="category"]');
    if (category) {
      category.addEventListener("change", function () {
        picker.clear();
        picker.clearOptions();
      });
    }
  });
})();
