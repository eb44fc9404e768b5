// The administrators' pages: a print button (no inline scripts: the CSP allows only files).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
