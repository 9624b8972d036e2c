// Forms as the NL Design System writes them: after a refused form the error summary at the top
// takes the focus, so a screen reader reads it first; its links move the focus to the field.
(function () {
  "use strict";

  const summary = document.getElementById("foutmeldingen");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
      history.replaceState(null, "", link.getAttribute("href"));
    }
  });
})();
