// Progressive enhancement for the questionnaire: hide questions that do not apply to the answers
// given so far. Without this script every question is shown and the form works the same.
// Conditions come from knowledge/questions.yaml (`show_if`), normalised by the server (no `not`; each
// leaf with its operator's test from advisor/operators.py), and are evaluated like advisor/conditions.py:
// an unknown answer makes a condition unknown, and a question is only hidden when its condition is
// known to be false.
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

  // The relations an operator's test is built from (advisor/operators.py, RELATIONS). The operators
  // themselves are not named here: every condition leaf carries its operator's `test` as data.
  var RELATIONS = {
    eq: function (a, b) { return a === b; },
    "in": function (item, values) { return values.indexOf(item) >= 0; },
    ge: function (a, b) { return a >= b; },
    le: function (a, b) { return a <= b; },
    gt: function (a, b) { return a > b; },
    lt: function (a, b) { return a < b; }
  };

  // As operators.holds: relation(left, right), over each element of left with `each`, then `negate`.
  function holds(test, actual, want) {
    var left = test.left === "actual" ? actual : want;
    var right = test.left === "actual" ? want : actual;
    var relation = RELATIONS[test.relation];
    var result;
    if (!relation) { return null; }
    if (test.each === "any") { result = left.some(function (item) { return relation(item, right); }); }
    else if (test.each === "all") { result = left.every(function (item) { return relation(item, right); }); }
    else { result = relation(left, right); }
    return test.negate ? !result : result;
  }

  function evaluate(cond, values) {
    var results;
    if (cond.op === "all" || cond.op === "any") {
      results = cond.items.map(function (item) { return evaluate(item, values); });
      if (cond.op === "all") {
        return results.indexOf(false) >= 0 ? false : (results.indexOf(null) >= 0 ? null : true);
      }
      return results.indexOf(true) >= 0 ? true : (results.indexOf(null) >= 0 ? null : false);
    }
    var actual = values[cond.field];
    var known = !unknown(actual) && !(Array.isArray(actual) && actual.length === 0);
    if (cond.test.relation === "known") { return known === cond.value; }
    if (!known) { return null; }
    return holds(cond.test, actual, cond.value);
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
