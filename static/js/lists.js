// Lists (core/lists.py): the header checkbox of a table checks or clears its page's rows.
// A file, not an inline script: the CSP allows scripts from the portal only.
(function () {
  "use strict";
  document.querySelectorAll("input[data-check-all]").forEach(function (all) {
    var name = all.getAttribute("data-check-all");
    var table = all.closest("table");
    all.addEventListener("change", function () {
      table.querySelectorAll('tbody input[type="checkbox"][name="' + name + '"]').forEach(
        function (box) { box.checked = all.checked; }
      );
    });
  });
})();
