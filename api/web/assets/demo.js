// Fills the embed snippet with this server's address, so it can be copied.
(function () {
  "use strict";
  var code = document.getElementById("snippet");
  if (code) code.textContent = '<script src="' + location.origin + '/widget.js" data-title="消保小助手" async></script>';
})();
