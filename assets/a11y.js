// Names that Dash's own components cannot be given from Python: Dash 4's Dropdown and Slider take no aria
// props, so a screen reader heard the filters as button "All" and the sliders as unnamed. Each control is named
// from its <label for=id>, or the nearest data-control-label, and every chart gets a text alternative built
// from the data it draws. Re-applied whenever Dash or Plotly redraws, since React may replace the elements.
(function () {
    "use strict";

    function nameOf(element, id) {
        const label = id && document.querySelector('label[for="' + CSS.escape(id) + '"]');
        if (label) return label.textContent.trim();
        const holder = element.closest("[data-control-label]");
        return holder ? holder.getAttribute("data-control-label") : null;
    }

    function set(element, attribute, value) {
        if (element.getAttribute(attribute) !== value) element.setAttribute(attribute, value);
    }

    function dropdowns() {
        document.querySelectorAll("button.dash-dropdown[id]").forEach(function (button) {
            const label = document.querySelector('label[for="' + CSS.escape(button.id) + '"]');
            if (!label) return;
            if (!label.id) label.id = button.id + "-label";
            const parts = (button.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
            if (parts[0] !== label.id) set(button, "aria-labelledby", [label.id].concat(parts).join(" "));
            // The invisible input that takes Tab focus for Safari hands it to the button at once; it carries the
            // button's name instead of aria-hidden, which must not sit on something focusable.
            const proxy = button.previousElementSibling;
            if (proxy && proxy.classList.contains("dash-dropdown-focus-target")) {
                proxy.removeAttribute("aria-hidden");
                set(proxy, "aria-labelledby", button.getAttribute("aria-labelledby"));
            }
        });
    }

    function sliders() {
        document.querySelectorAll(".dash-slider-container").forEach(function (box) {
            const name = nameOf(box, box.id);
            if (!name) return;
            const range = !!box.querySelector(".dash-range-slider-min-input");
            const thumbs = box.querySelectorAll('[role="slider"]');
            thumbs.forEach(function (thumb, i) {
                set(thumb, "aria-label", !range ? name : name + (i === 0 ? ", lowest" : ", highest"));
            });
            box.querySelectorAll("input.dash-range-slider-input").forEach(function (input) {
                const end = input.classList.contains("dash-range-slider-min-input") ? ", lowest" : ", highest";
                set(input, "aria-label", range ? name + end : name);
            });
        });
    }

    // Bootstrap's offcanvas shows its title but does not name the dialog with it.
    function dialogs() {
        document.querySelectorAll('[role="dialog"]').forEach(function (dialog) {
            const title = dialog.querySelector(".offcanvas-title, .modal-title");
            if (!title || dialog.hasAttribute("aria-label")) return;
            if (!title.id) title.id = (dialog.id || "dialog") + "-title";
            set(dialog, "aria-labelledby", title.id);
        });
    }

    function progressBars() {
        document.querySelectorAll('[role="progressbar"]').forEach(function (bar) {
            const name = nameOf(bar, null);
            if (name) set(bar, "aria-label", name);
        });
    }

    function number(value) {
        return typeof value === "number" && isFinite(value)
            ? (Number.isInteger(value) ? value.toLocaleString("en") : value.toFixed(1)) : String(value);
    }

    function pairs(keys, values) {
        const shown = Math.min(keys.length, 12);
        const out = [];
        // labels may hold commas ("Hard-working, driven"): pairs are split by semicolons
        for (let i = 0; i < shown; i++) out.push(keys[i] + ": " + number(values[i]));
        return out.join("; ") + (keys.length > shown ? "; and " + (keys.length - shown) + " more" : "");
    }

    function describeTrace(t) {
        const name = t.name && !/^trace \d+$/.test(t.name) ? t.name + " — " : "";
        const length = function (a) { return a ? a.length : 0; };
        if (t.type === "pie" && t.labels) return pairs(t.labels, t.values || []);
        if (t.type === "bar" && t.x && t.y) {
            return name + (t.orientation === "h" ? pairs(t.y, t.x) : pairs(t.x, t.y));
        }
        if (t.type === "scatterpolar" && t.theta) return name + pairs(t.theta, t.r || []);
        if (t.type === "box") return name + number(length(t.y) || length(t.x)) + " students";
        if (t.type === "heatmap") return "";
        const points = length(t.x) || length(t.y);
        return points ? name + number(points) + " points" : "";
    }

    function charts() {
        document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
            const svg = gd.querySelector("svg.main-svg");
            if (!svg || !gd.data) return;
            const card = gd.closest(".card-body");
            const heading = card && card.querySelector(".panel-title");
            const layoutTitle = gd.layout && gd.layout.title;
            const title = (heading && heading.textContent.trim())
                || (layoutTitle && (layoutTitle.text || layoutTitle)) || "Chart";
            const parts = gd.data.filter(function (t) { return t.visible !== false; }).map(describeTrace)
                .filter(Boolean);
            const words = parts.length ? title + ". " + parts.join(". ") : title + ": nothing to show";
            set(svg, "role", "img");
            set(svg, "aria-label", words.length > 1200 ? words.slice(0, 1197) + "…" : words);
        });
    }

    let pending = false;
    function apply() {
        pending = false;
        dropdowns();
        sliders();
        progressBars();
        dialogs();
        charts();
    }

    function schedule() {
        if (!pending) {
            pending = true;
            setTimeout(apply, 150);
        }
    }

    // The browser tests wait for this before they run axe: names are given 150 ms after a redraw, and on a busy
    // machine that timer may not have fired yet when the test reads the page.
    window.cohortAtlasNamesPending = function () { return pending; };

    function start() {
        new MutationObserver(schedule).observe(document.body, {
            childList: true, subtree: true, attributes: true,
            attributeFilter: ["aria-labelledby", "aria-hidden", "aria-label", "class", "data-unformatted"],
        });
        apply();
    }

    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
})();
