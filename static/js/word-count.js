// Live word count for textareas marked data-word-count="<id of the element to update>".
// A static file, not inline script, so that a strict Content-Security-Policy holds.
(function () {
  function count(text) {
    var words = text.replace(/<[^>]+>/g, " ").match(/[\p{L}\p{N}_]+/gu);
    return words ? words.length : 0;
  }
  document.querySelectorAll("textarea[data-word-count]").forEach(function (area) {
    var target = document.getElementById(area.dataset.wordCount);
    if (!target) { return; }
    var update = function () { target.textContent = count(area.value); };
    area.addEventListener("input", update);
    update();
  });
})();
