// Toegang: small behaviour on top of htmx. No inline scripts (the Content Security Policy forbids them).
// After htmx swaps a section in place, move keyboard focus to its confirmation so that a keyboard or
// screen-reader user is not dropped back at the top of the page.
document.addEventListener("htmx:afterSwap", function (event) {
  var status = document.getElementById("goals-status");
  if (status && event.detail && event.detail.target) {
    status.focus();
  }
});
