/* The slip scanner on a phone (workreturn/scan.html).
   - The camera reads the QR code: the browser's BarcodeDetector where it has one, else the vendored jsQR
     (vendor/jsQR.js, loaded on first use) on frames of the camera's video drawn into a canvas (iOS Safari,
     desktop Chromium on Linux). Without a camera the code is typed.
   - A scan is sent without leaving the page: the answer (#scan-result, and the messages of an error) is swapped in,
     the temperature, note and code are cleared for the next passenger, and accepted or refused is told by colour,
     words, a sound (WebAudio) and a vibration where the browser allows them. Without script the form posts as
     before and the server clears the temperature too.
   - The temperature and trip show only at boarding. */
(function () {
  "use strict";
  var audio = null;

  // A sound needs a user gesture first (autoplay rules): the context is made on the first tap or key.
  function unlockAudio() {
    if (audio) return;
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try { audio = new Context(); if (audio.resume) audio.resume(); } catch (e) { audio = null; }
  }

  function tone(frequency, start, duration, type) {
    var oscillator = audio.createOscillator(), gain = audio.createGain();
    oscillator.type = type;
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.25, audio.currentTime + start);
    gain.gain.setValueAtTime(0, audio.currentTime + start + duration);
    oscillator.connect(gain); gain.connect(audio.destination);
    oscillator.start(audio.currentTime + start);
    oscillator.stop(audio.currentTime + start + duration + 0.02);
  }

  // Accepted: a short rising double beep; refused: two long low buzzes (told apart without looking); nothing
  // recorded (an unknown slip, no trip chosen): one short low tone.
  var PATTERNS = {
    accepted: { vibrate: 120, tones: [[880, 0, 0.12, "sine"], [1320, 0.15, 0.15, "sine"]] },
    refused: { vibrate: [400, 150, 400], tones: [[196, 0, 0.35, "square"], [196, 0.5, 0.35, "square"]] },
    error: { vibrate: 200, tones: [[330, 0, 0.2, "triangle"]] }
  };
  function signal(kind) {
    var pattern = PATTERNS[kind] || PATTERNS.error;
    document.body.setAttribute("data-last-signal", kind);
    if (navigator.vibrate) {
      try { navigator.vibrate(pattern.vibrate); } catch (e) { /* not allowed here */ }
    }
    if (!audio) return;
    try {
      pattern.tones.forEach(function (t) { tone(t[0], t[1], t[2], t[3]); });
    } catch (e) { /* no sound: colour and words remain */ }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("scan-form");
    if (!form) return;
    var mode = document.getElementById("id_mode");
    var code = document.getElementById("id_code");
    var temperature = document.getElementById("id_temperature");
    var note = document.getElementById("id_note");
    var button = document.getElementById("scan-camera"), video = document.getElementById("scan-video");
    var status = document.getElementById("scan-camera-status");

    function showFields() {
      document.querySelectorAll("[data-for-mode]").forEach(function (el) {
        el.hidden = el.getAttribute("data-for-mode") !== mode.value;
      });
    }
    if (mode) { mode.addEventListener("change", showFields); showFields(); }
    document.addEventListener("pointerdown", unlockAudio, true);
    document.addEventListener("keydown", unlockAudio, true);

    function nextField() {
      var target = mode && mode.value === "boarding" && temperature ? temperature : code;
      if (target) target.focus();
    }

    // Swap the scan's answer and the page's messages from the server's page.
    function show(html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.getElementById("scan-result");
      if (!fresh || !doc.getElementById("scan-form")) return false;  // signed out or an error page: go there
      document.getElementById("scan-result").replaceWith(document.importNode(fresh, true));
      var main = document.querySelector("main"), old = main.querySelector(".messages");
      var messages = doc.querySelector("main .messages");
      if (old) old.remove();
      if (messages) main.insertBefore(document.importNode(messages, true), main.firstChild);
      var outcome = document.getElementById("scan-outcome");
      if (outcome) {  // recorded: the next passenger starts with empty fields
        code.value = "";
        if (temperature) temperature.value = "";
        if (note) note.value = "";
        signal(outcome.getAttribute("data-outcome"));
      } else { signal("error"); }
      nextField();
      return true;
    }

    var busy = false;
    function send() {
      if (busy) return;
      if (!window.fetch || !window.DOMParser || !window.FormData) { form.submit(); return; }
      busy = true;
      form.setAttribute("aria-busy", "true");
      window.fetch(form.getAttribute("action") || window.location.href, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        return response.text().then(function (text) {
          if (!show(text)) window.location.assign(response.url);
        });
      }).catch(function () {
        form.submit();  // the network failed: let the browser post and show what it can
      }).then(function () {
        busy = false;
        form.removeAttribute("aria-busy");
      });
    }
    form.addEventListener("submit", function (event) {
      if (!form.checkValidity()) return;
      event.preventDefault();
      unlockAudio();
      send();
    });

    // --- the camera ---------------------------------------------------------------------------------------------
    if (!button || !video || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      if (code) code.focus();
      return;
    }
    var decoderLoaded = null;
    function decoder() {
      if ("BarcodeDetector" in window) {
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return Promise.resolve(function (source) {
          return detector.detect(source).then(function (found) { return found.length ? found[0].rawValue : null; });
        });
      }
      if (!decoderLoaded) {
        decoderLoaded = new Promise(function (resolve, reject) {
          if (window.jsQR) { resolve(); return; }
          var script = document.createElement("script");
          script.src = button.getAttribute("data-decoder");
          script.onload = function () { resolve(); };
          script.onerror = function () { decoderLoaded = null; reject(new Error("decoder")); };
          document.head.appendChild(script);
        });
      }
      var canvas = document.createElement("canvas"), context = null;
      return decoderLoaded.then(function () {
        return function (source) {
          var width = source.videoWidth, height = source.videoHeight;
          if (!width || !height) return Promise.resolve(null);
          var scale = Math.min(1, 800 / Math.max(width, height));  // enough pixels for a slip held near
          canvas.width = Math.round(width * scale); canvas.height = Math.round(height * scale);
          if (!context) context = canvas.getContext("2d", { willReadFrequently: true });
          context.drawImage(source, 0, 0, canvas.width, canvas.height);
          var frame = context.getImageData(0, 0, canvas.width, canvas.height);
          var found = window.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
          return Promise.resolve(found && found.data ? found.data : null);
        };
      });
    }
    function say(key) {
      if (!status) return;
      status.textContent = status.getAttribute(key);
      status.hidden = false;
    }
    button.hidden = false;
    var scanning = false;
    button.addEventListener("click", function () {
      unlockAudio();
      if (scanning) return;
      scanning = true;
      Promise.all([decoder(), navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })])
        .then(function (ready) {
          var read = ready[0], stream = ready[1];
          video.srcObject = stream; video.hidden = false; video.play();
          say("data-looking");
          function stop() {
            stream.getTracks().forEach(function (t) { t.stop(); });
            video.hidden = true; scanning = false;
            if (status) status.hidden = true;
          }
          function look() {
            if (!scanning) return;
            read(video).then(function (text) {
              if (text) {
                stop();
                code.value = text;
                send();
              } else { window.setTimeout(look, 120); }
            }).catch(function () { window.setTimeout(look, 250); });
          }
          look();
        }).catch(function () {
          scanning = false;
          say("data-unavailable");
          code.focus();
        });
    });
  });
})();
