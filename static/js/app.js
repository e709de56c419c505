// Behaviour that would otherwise need inline scripts (forbidden by our CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Buttons that ask before a destructive action: <button data-confirm="...">.
  document.body.addEventListener("click", (event) => {
    const el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // Progress bars take their width from a data attribute (no inline styles).
  const applyProgress = (root) => {
    root.querySelectorAll("[data-progress]").forEach((bar) => {
      bar.style.setProperty("--value", `${bar.dataset.progress}%`);
    });
  };
  applyProgress(document);
  document.body.addEventListener("htmx:afterSwap", (event) => applyProgress(event.target));
  // On a phone the unit's tabs scroll sideways: bring the current one into view.
  document.querySelectorAll(".unit-nav").forEach((nav) => {
    const current = nav.querySelector(".active");
    if (current && nav.scrollWidth > nav.clientWidth) {
      nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
    }
  });
});
