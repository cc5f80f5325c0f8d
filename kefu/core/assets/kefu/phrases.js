// Standard phrases (常用语, kb/partials/phrase_picker.html): the phrase picked from a picker's
// menu goes into its textarea at the cursor, or at the end when the box was never entered.
// The menu is a Bootstrap dropdown: Enter/Space opens it, arrow keys move, Enter picks.
(function () {
  "use strict";

  function insert(box, text) {
    var value = box.value;
    var start = value.length;
    var end = value.length;
    if (box.dataset.phraseCaret === "1") {
      start = box.selectionStart;
      end = box.selectionEnd;
    } else if (value && !/\s$/.test(value)) {
      text = "\n" + text;
    }
    box.value = value.slice(0, start) + text + value.slice(end);
    var caret = start + text.length;
    box.focus();
    box.setSelectionRange(caret, caret);
    box.dataset.phraseCaret = "1";
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Only a box the user has been in has a cursor worth keeping; a box never entered appends.
  document.addEventListener("focusin", function (event) {
    if (event.target instanceof HTMLTextAreaElement) { event.target.dataset.phraseCaret = "1"; }
  });

  document.addEventListener("click", function (event) {
    var item = event.target.closest("[data-phrase-text]");
    if (!item) { return; }
    var picker = item.closest("[data-phrase-picker]");
    var box = picker && document.getElementById(picker.dataset.phraseTarget);
    if (!box) { return; }
    event.preventDefault();
    insert(box, item.dataset.phraseText);
  });

  // The intake form: the phrases of the chosen call type and the general ones.
  function filterByType() {
    var select = document.getElementById("id_call_type");
    var code = select ? select.value : "";
    document.querySelectorAll("[data-phrase-by-type] [data-call-type]").forEach(function (li) {
      var type = li.dataset.callType;
      li.hidden = type !== "" && type !== code;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.id === "id_call_type") { filterByType(); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", filterByType);
  } else {
    filterByType();
  }
})();
