// MathJax settings for equations written with pymdownx.arithmatex (generic mode).
// The arithmatex extension wraps every formula in an element of class
// "arithmatex" and uses \( \) and \[ \] delimiters; MathJax only looks there.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
};

// mkdocs-material loads pages without a full reload ("instant" navigation is
// off here, but the document$ observable also fires on the first load), so
// typeset again whenever a page is shown.
if (typeof document$ !== "undefined") {
  document$.subscribe(() => {
    MathJax.startup.output.clearCache();
    MathJax.typesetClear();
    MathJax.texReset();
    MathJax.typesetPromise();
  });
}
