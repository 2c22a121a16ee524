// django-celery-beat's admin: the crontab's reading under the crontab field. Its own template
// does this in an inline <script>, which the Content-Security-Policy blocks.
"use strict";
(function () {
  const data = document.getElementById("readable-crontabs");
  const help = document.querySelector(".field-crontab .help");
  const select = document.getElementById("id_crontab");
  if (!data || !select) {
    return;
  }
  const readable = JSON.parse(data.textContent);
  const original = help ? help.innerHTML : "";
  document.querySelectorAll(".field-crontab_translation").forEach((row) => {
    row.style.display = "none";
  });
  select.addEventListener("change", () => {
    if (!help) {
      return;
    }
    help.innerHTML = original;
    help.append(document.createElement("br"), `Translation: ${readable[select.value] || ""}`);
  });
})();
