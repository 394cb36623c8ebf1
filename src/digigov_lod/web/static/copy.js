// Copy buttons on resource pages: copy the snippet shown next to the button.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-copy-snippet]")) {
    button.addEventListener("click", () => {
      const snippet = button.parentNode.querySelector("pre");
      if (!snippet || !navigator.clipboard) return;
      navigator.clipboard.writeText(snippet.textContent).then(() => {
        button.textContent = button.dataset.done;
      });
    });
  }
});
