// Single sign-on (SAML): the identity provider's cross-site POST carried no session
// cookie, so the page posts the same answer again from this site; without JavaScript the
// person presses Continue.
(function () {
  "use strict";
  var form = document.querySelector("form[data-auto-submit]");
  if (form) { form.submit(); }
})();
