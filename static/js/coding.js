// Qualitative coding: when a researcher selects a passage in #coding-source, put its
// start/end offsets (in characters, counted as Python counts them: code points) and
// its text into the coding form. Without JavaScript the form still works: the
// passage is pasted and the server finds it in the text.
(function () {
  "use strict";

  function codePoints(text) {
    return Array.from(text).length;
  }

  function offsetIn(container, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  function init() {
    var source = document.getElementById("coding-source");
    if (!source || !source.dataset.codingTarget) return;
    var form = document.getElementById(source.dataset.codingTarget);
    if (!form) return;
    var start = form.querySelector("input[name=start]");
    var end = form.querySelector("input[name=end]");
    var passage = form.querySelector("textarea[name=passage]");
    if (!start || !end || !passage) return;

    function capture() {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
      var range = selection.getRangeAt(0);
      if (!source.contains(range.startContainer) || !source.contains(range.endContainer)) return;
      var text = range.toString();
      if (!text.trim()) return;
      start.value = offsetIn(source, range.startContainer, range.startOffset);
      end.value = offsetIn(source, range.endContainer, range.endOffset);
      passage.value = text;
    }

    source.addEventListener("mouseup", capture);
    source.addEventListener("keyup", capture);
    // Touch screens and keyboard selection: follow the selection as it changes.
    document.addEventListener("selectionchange", capture);
    // A passage typed or pasted by hand has no known offsets: the server looks it up.
    passage.addEventListener("input", function () {
      start.value = "";
      end.value = "";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
