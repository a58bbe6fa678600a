/* 申请复工备案 on a phone: a photo above the limit (the input's data-max-bytes, 5 MB) is said at once and taken off
   the form, before a slow upload that the server would refuse anyway (actions.photo_error says it again). Without
   this script the server's answer is the same, after the upload. No inline handler: the CSP forbids them. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.hasAttribute("data-max-bytes")) return;
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var box = input.closest ? input.closest(".check-item") : null;
    var note = box ? box.querySelector(".photo-too-big") : null;
    var file = input.files && input.files[0];
    var tooBig = !!(file && limit && file.size > limit);
    if (tooBig) input.value = "";
    if (note) {
      note.textContent = tooBig ? note.getAttribute("data-text") : "";
      note.hidden = !tooBig;
    }
  });
})();
