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

// mkdocs-material announces every page it shows through the document$
// observable (on the first load, and on each page change if "instant"
// navigation is ever turned on); typeset the page each time.
if (typeof document$ !== "undefined") {
  document$.subscribe(() => {
    MathJax.startup.output.clearCache();
    MathJax.typesetClear();
    MathJax.texReset();
    MathJax.typesetPromise();
  });
}
