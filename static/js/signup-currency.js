// Optional: name the country's currency on the "Same as my country" choice as the country
// changes. Without this script the server applies the same default on submit.
(function () {
  "use strict";
  var data = document.getElementById("currency-defaults");
  var country = document.getElementById("id_country");
  var currency = document.querySelector("select[data-currency-default='country']");
  if (!data || !country || !currency) {
    return;
  }
  var defaults = JSON.parse(data.textContent);
  var same = currency.querySelector("option[value='']");
  if (!same) {
    return;
  }
  var label = same.textContent;
  function update() {
    var code = defaults[country.value];
    same.textContent = code ? label + " (" + code + ")" : label;
  }
  country.addEventListener("change", update);
  update();
})();
