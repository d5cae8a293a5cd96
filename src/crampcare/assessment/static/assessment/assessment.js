/* Check my cramps: small enhancements. Every page works without this script. */
(function () {
  "use strict";

  // Show a question only when an earlier answer makes it relevant ("how many weeks" only after
  // "pregnant: yes"). Hidden inputs are disabled so a stale answer is not sent.
  function checkedValue(form, name) {
    var input = form.querySelector('input[name="' + name + '"]:checked:not(:disabled)');
    return input ? input.value : "";
  }
  function words(text) {
    return (text || "").split(" ").filter(Boolean);
  }
  function updateReveals(form) {
    form.querySelectorAll(".reveal").forEach(function (box) {
      var value = checkedValue(form, box.dataset.controller);
      var shownFor = words(box.dataset.shownFor);
      var visible = shownFor.length ? shownFor.indexOf(value) !== -1 : true;
      if (words(box.dataset.hiddenFor).indexOf(value) !== -1) visible = false;
      box.hidden = !visible;
      box.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !visible;
      });
    });
  }
  document.querySelectorAll("form.questionnaire").forEach(function (form) {
    if (!form.querySelector(".reveal")) return;
    form.addEventListener("change", function () { updateReveals(form); });
    updateReveals(form);
  });

  // The medicine finder: type, tap a match, and it joins the list box (one name per line).
  var finder = document.querySelector("[data-medicine-search]");
  var list = document.getElementById("id_medications");
  if (finder && list) {
    finder.hidden = false;
    var query = finder.querySelector('input[type="search"]');
    var results = document.getElementById("medicine-suggestions");
    var announce = finder.querySelector("[data-medicine-announce]");
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
    finder.addEventListener("click", function (event) {
      var button = event.target.closest("[data-medicine]");
      if (!button) return;
      var name = button.dataset.medicine;
      var names = list.value.split(/\n/).map(function (line) { return line.trim(); }).filter(Boolean);
      var known = names.some(function (line) { return line.toLowerCase() === name.toLowerCase(); });
      if (!known) names.push(name);
      list.value = names.join("\n");
      query.value = "";
      results.innerHTML = "";
      announce.textContent = (finder.dataset.addedText || "Added: %s").replace("%s", name);
      query.focus();
    });
  }

  // Printing the result: open the folded answers so the printout has everything.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.your-answers").forEach(function (details) {
      details.open = true;
    });
  });
})();
