// Phones: fold the module menu behind a "Menu" button. Without this script the menu stays open.
(function () {
  var nav = document.querySelector(".main-nav");
  if (!nav) return;
  var button = nav.querySelector(".nav-toggle");
  nav.setAttribute("data-collapsible", "");
  button.addEventListener("click", function () {
    button.setAttribute("aria-expanded", button.getAttribute("aria-expanded") === "true" ? "false" : "true");
  });
})();
