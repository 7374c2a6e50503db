// The persona-model upload (dcc.Upload) renders a file input with no name of its own; give it the button's
// words, so a screen reader (and axe-core) knows what it asks for.
(function () {
    const NAME = "Apply a persona model file (.json) to this file";
    function label() {
        document.querySelectorAll("#model-upload input[type=file]:not([aria-label])").forEach(function (input) {
            input.setAttribute("aria-label", NAME);
        });
    }
    new MutationObserver(label).observe(document.documentElement, {childList: true, subtree: true});
    document.addEventListener("DOMContentLoaded", label);
})();
