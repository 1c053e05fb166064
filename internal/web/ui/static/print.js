// Shows the page's "print" buttons (hidden without JavaScript, where the text tells how to
// print) and makes them open the browser's print dialog.
document.querySelectorAll("button[data-print]").forEach(function (b) {
  b.hidden = false;
  b.addEventListener("click", function () { window.print(); });
});
