// dcc.Upload's file input takes no aria props: it is named from the nearest data-control-label (the "Add a
// term" and reference uploads), and again whenever Dash redraws it.
(function () {
    "use strict";

    function name() {
        document.querySelectorAll("[data-control-label] input[type=file]").forEach(function (input) {
            const label = input.closest("[data-control-label]").getAttribute("data-control-label");
            if (input.getAttribute("aria-label") !== label) input.setAttribute("aria-label", label);
        });
    }

    function start() {
        new MutationObserver(name).observe(document.body, {childList: true, subtree: true});
        name();
    }

    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
})();
