// Dash's sliders apply a typed number only when its box loses focus, so Enter did nothing and people thought
// the value was ignored. Enter now commits it the same way Tab does, and the box keeps the focus.
document.addEventListener("keydown", function (event) {
    const box = event.target;
    if (event.key !== "Enter" || !(box instanceof HTMLInputElement)) return;
    if (!box.classList.contains("dash-range-slider-input")) return;
    event.preventDefault();
    box.blur();
    box.focus();
}, true);
