/* The slip scanner on a phone: the camera reads the QR code where the browser can (BarcodeDetector), else the
   code is typed; the temperature and trip show only at boarding. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var mode = document.getElementById("id_mode");
    function showFields() {
      document.querySelectorAll("[data-for-mode]").forEach(function (el) {
        el.hidden = el.getAttribute("data-for-mode") !== mode.value;
      });
    }
    if (mode) { mode.addEventListener("change", showFields); showFields(); }
    var button = document.getElementById("scan-camera"), video = document.getElementById("scan-video");
    var code = document.getElementById("id_code");
    if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) { if (code) code.focus(); return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play();
        function look() {
          detector.detect(video).then(function (found) {
            if (found.length) {
              code.value = found[0].rawValue;
              stream.getTracks().forEach(function (t) { t.stop(); });
              video.hidden = true;
              document.getElementById("scan-form").submit();
            } else { window.requestAnimationFrame(look); }
          }).catch(function () { window.requestAnimationFrame(look); });
        }
        look();
      }).catch(function () { code.focus(); });
    });
  });
})();
