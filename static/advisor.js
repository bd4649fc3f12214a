// Progressive enhancement for the questionnaire: hide questions that do not apply to the answers
// given so far. Without this script every question is shown and the form works the same.
// Conditions come from knowledge/questions.yaml (`show_if`), normalised by the server (no `not`),
// and are evaluated like advisor/conditions.py: an unknown answer makes a condition unknown, and
// a question is only hidden when its condition is known to be false.
(function () {
  "use strict";

  function answers(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) { return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) {
        if (el.type === "checkbox" && !(el.name in values)) { values[el.name] = []; }
        return;
      }
      var raw = el.value.trim();
      if (el.type === "checkbox") {
        (values[el.name] = values[el.name] || []).push(raw);
        return;
      }
      if (raw === "") { return; }
      if (raw === "true" || raw === "false") { values[el.name] = raw === "true"; }
      else if (el.inputMode === "numeric" && !isNaN(Number(raw))) { values[el.name] = Number(raw); }
      else { values[el.name] = raw; }
    });
    return values;
  }

  function unknown(value) { return value === undefined || value === null; }

  function evaluate(cond, values) {
    var results, i;
    if (cond.op === "all" || cond.op === "any") {
      results = cond.items.map(function (item) { return evaluate(item, values); });
      if (cond.op === "all") {
        return results.indexOf(false) >= 0 ? false : (results.indexOf(null) >= 0 ? null : true);
      }
      return results.indexOf(true) >= 0 ? true : (results.indexOf(null) >= 0 ? null : false);
    }
    var actual = values[cond.field];
    var isList = Array.isArray(actual);
    if (cond.op === "exists") {
      return (!unknown(actual) && !(isList && actual.length === 0)) === cond.value;
    }
    if (unknown(actual) || (isList && actual.length === 0)) { return null; }
    var want = cond.value;
    var has = function (v) { return actual.indexOf(v) >= 0; };
    switch (cond.op) {
      case "equals": return actual === want;
      case "not_equals": return actual !== want;
      case "in": return want.indexOf(actual) >= 0;
      case "not_in": return want.indexOf(actual) < 0;
      case "contains": return has(want);
      case "contains_any": for (i = 0; i < want.length; i++) { if (has(want[i])) { return true; } } return false;
      case "contains_all": for (i = 0; i < want.length; i++) { if (!has(want[i])) { return false; } } return true;
      case "contains_none": for (i = 0; i < want.length; i++) { if (has(want[i])) { return false; } } return true;
      case "within": for (i = 0; i < actual.length; i++) { if (want.indexOf(actual[i]) < 0) { return false; } } return true;
      case "not_within": for (i = 0; i < actual.length; i++) { if (want.indexOf(actual[i]) < 0) { return true; } } return false;
      case "gte": return actual >= want;
      case "lte": return actual <= want;
      case "gt": return actual > want;
      case "lt": return actual < want;
      default: return null;
    }
  }

  function update(form, questions) {
    // Two passes: hiding one question can make another one's condition unknown or false.
    for (var pass = 0; pass < 2; pass++) {
      var values = answers(form);
      questions.forEach(function (q) {
        var cond = JSON.parse(q.getAttribute("data-show-if"));
        var hide = evaluate(cond, values) === false && !q.classList.contains("vraag-fout");
        q.hidden = hide;
        Array.prototype.forEach.call(q.querySelectorAll("input, select, textarea"), function (el) {
          el.disabled = hide;
        });
      });
    }
  }

  function start() {
    var form = document.querySelector("form.vragenlijst");
    if (!form) { return; }
    var questions = Array.prototype.slice.call(form.querySelectorAll("[data-show-if]"));
    if (!questions.length) { return; }
    form.addEventListener("change", function () { update(form, questions); });
    form.addEventListener("input", function () { update(form, questions); });
    update(form, questions);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
}());
