// A "copy" button copies the text of the element its data-copy names (no inline script: CSP).
document.querySelectorAll("button[data-copy]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.status);
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      if (status) status.textContent = status.dataset.done;
    } catch {
      if (status) status.textContent = status.dataset.failed;
    }
  });
});
