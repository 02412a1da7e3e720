// MathJax settings for equations written with pymdownx.arithmatex (generic mode).
// The arithmatex extension wraps every formula in an element of class
// "arithmatex" and uses \( \) and \[ \] delimiters; MathJax only looks there.
//
// The notebooks that mkdocs-jupyter renders write $...$ maths inside ordinary
// paragraphs, list items and table cells of their Markdown cells; those
// elements are given the class "kampala-math" so that MathJax reads them too.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex|kampala-math",
  },
};

function markNotebookMath() {
  document.querySelectorAll(".jp-MarkdownOutput *").forEach((element) => {
    if (!["CODE", "PRE"].includes(element.tagName)) {
      element.classList.add("kampala-math");
    }
  });
}

markNotebookMath();

// mkdocs-material announces every page it shows through the document$
// observable (on the first load, and on each page change if "instant"
// navigation is ever turned on); typeset the page each time.
if (typeof document$ !== "undefined") {
  document$.subscribe(() => {
    markNotebookMath();
    MathJax.startup.output.clearCache();
    MathJax.typesetClear();
    MathJax.texReset();
    MathJax.typesetPromise();
  });
}
